// The CA's database as surge writes it: tables, columns, types and indexes after Boulder's
// sa/db/boulder_sa schema (the fourteen tables the SA's write path touches), in a database named surge_*
// that surge created itself and stamped (surge_meta), with a row per calibration run (surge_runs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "real/db_connection.hpp"

namespace surge::real {

/// The CA tables, in creation order.
const std::vector<std::string>& ca_tables();

/// Refused: a database surge did not create, or a server it must not write to.
class RefusedTarget : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a database is to surge.
enum class SurgeDatabase {
  ABSENT,      ///< no such database
  UNFINISHED,  ///< surge began creating it and was killed before the stamp's step: it holds no run
  FOREIGN,     ///< surge did not create it (no surge_meta)
  STAMPED,     ///< surge created and stamped it
};
/// The state of `database` on the server, read from its comment and tables.
SurgeDatabase surge_database_state(DbConnection& c, const std::string& database);

/// Creates `database` (which must be named surge_*) with CREATE DATABASE, the CA tables and the stamp;
/// or, when it exists, checks the stamp and reuses it (a later run appends). A database that exists
/// without surge's stamp is refused and left untouched; one left "being created" by a run killed half-way
/// is dropped and created afresh (under a server lock, so never under a run still creating it).
/// Returns the stamp's UUID.
std::string open_surge_database(DbConnection& c, const std::string& database);

/// Registers a new calibration run; returns its id (runs append, never overwrite).
std::int64_t start_run(DbConnection& c, const std::string& description);

/// Table and index sizes in bytes, from information_schema: {table: {data, index}}.
std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> table_sizes(DbConnection& c,
                                                                               const std::string& database);

}  // namespace surge::real
