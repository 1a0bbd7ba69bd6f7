#include "sim/child_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace surge::sim {

ChildHandle start_child(const std::function<std::string(int& exit_code)>& fn) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for a child process");
  std::fflush(nullptr);  // nothing buffered twice
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot fork a child process");
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    const std::string out = fn(code);
    for (size_t off = 0; off < out.size();) {
      const ssize_t n = write(fds[1], out.data() + off, out.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
    _exit(code);  // no atexit handlers, no stdio flush: the parent owns those
  }
  close(fds[1]);
  return ChildHandle{pid, fds[0]};
}

ChildResult finish_child(const ChildHandle& child) {
  ChildResult r;
  char buf[65536];
  for (ssize_t n; (n = read(child.fd, buf, sizeof buf)) > 0;) r.output.append(buf, static_cast<size_t>(n));
  close(child.fd);
  int status = 0;
  wait4(child.pid, &status, 0, &r.usage);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

ChildResult run_child(const std::function<std::string(int& exit_code)>& fn) {
  return finish_child(start_child(fn));
}

}  // namespace surge::sim
