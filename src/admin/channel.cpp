#include "admin/channel.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

namespace cells::admin {

namespace json = boost::json;

namespace {
constexpr std::size_t kMaxLine = 64 * 1024;

bool fill_address(const std::string& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads up to a newline; false on EOF before one or on an over-long line.
bool read_line(int fd, std::string& line) {
  char c;
  while (line.size() <= kMaxLine) {
    ssize_t n = ::recv(fd, &c, 1, 0);
    if (n <= 0) return false;
    if (c == '\n') return true;
    line += c;
  }
  return false;
}

json::object failure(const Error& e) { return {{"ok", false}, {"error", e.code}, {"message", e.message}}; }
}  // namespace

std::string socket_path(const std::string& data_dir) { return data_dir + "/admin.sock"; }

ChannelServer::~ChannelServer() { stop(); }

Status ChannelServer::start() {
  sockaddr_un addr;
  if (!fill_address(path_, addr)) return err("config", "admin socket path is too long: " + path_);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return err("admin", std::strerror(errno));
  ::unlink(path_.c_str());
  mode_t old = ::umask(0177);  // the socket is born 0600: no window where others could connect
  int rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (rc != 0 || ::listen(fd_, 16) != 0) return err("admin", "cannot listen on " + path_ + ": " + std::strerror(errno));
  thread_ = std::thread([this] { serve(); });
  return ok();
}

void ChannelServer::stop() {
  if (fd_ >= 0) {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
  }
  if (thread_.joinable()) thread_.join();
}

void ChannelServer::serve() {
  for (;;) {
    int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // socket closed by stop()
    }
    timeval tv{30, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string line;
    if (read_line(client, line)) write_all(client, answer(line) + "\n");
    ::close(client);
  }
}

std::string ChannelServer::answer(const std::string& line) {
  json::error_code ec;
  auto request = json::parse(line, ec);
  if (ec || !request.is_object()) return json::serialize(failure(err("bad_request", "request is not a JSON object")));
  auto& obj = request.as_object();
  auto* cmd = obj.if_contains("cmd");
  if (!cmd || !cmd->is_string()) return json::serialize(failure(err("bad_request", "missing cmd")));
  auto it = commands_.find(std::string(cmd->as_string()));
  if (it == commands_.end()) return json::serialize(failure(err("bad_request", "unknown command")));
  spdlog::info("admin command cmd={}", it->first);  // never the arguments: they may hold secrets
  try {
    auto result = it->second(obj);
    if (!result) return json::serialize(failure(result.error()));
    result->insert_or_assign("ok", true);
    return json::serialize(*result);
  } catch (const std::exception& e) {
    spdlog::error("admin command failed cmd={} error={}", it->first, e.what());
    return json::serialize(failure(err("server_error", "the command failed on the server")));
  }
}

Result<json::object> call(const std::string& path, const json::object& request) {
  sockaddr_un addr;
  if (!fill_address(path, addr)) return err("config", "admin socket path is too long");
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return err("no_server", std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EACCES) return err("no_server", "permission denied on " + path + " (run as the server's user)");
    return err("no_server", "no cells server is running for this data folder (" + path + " not reachable)");
  }
  std::string line;
  bool okay = write_all(fd, json::serialize(request) + "\n") && read_line(fd, line);
  ::close(fd);
  if (!okay) return err("no_server", "the server closed the admin channel without answering");
  json::error_code ec;
  auto answer = json::parse(line, ec);
  if (ec || !answer.is_object()) return err("bad_answer", "the server sent an unreadable answer");
  auto& obj = answer.as_object();
  if (auto* okv = obj.if_contains("ok"); okv && okv->is_bool() && okv->as_bool()) return obj;
  auto text = [&](const char* k) {
    auto* v = obj.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  return err(text("error"), text("message"));
}

}  // namespace cells::admin
