// The local admin channel: a Unix socket in the data folder (mode 0600, so only the account that
// runs the server can use it). One JSON object per line in each direction: the request names a
// command ("cmd"), the answer has "ok" and either the result or "error" + "message".
#pragma once
#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"

namespace cells::admin {

using Command = std::function<Result<boost::json::object>(const boost::json::object& request)>;

class ChannelServer {
 public:
  explicit ChannelServer(std::string socket_path) : path_(std::move(socket_path)) {}
  ~ChannelServer();
  void add(const std::string& cmd, Command handler) { commands_[cmd] = std::move(handler); }
  // Binds the socket (replacing a stale one) and serves on a background thread.
  Status start();
  void stop();

 private:
  void serve();
  std::string answer(const std::string& line);
  std::string path_;
  std::map<std::string, Command> commands_;
  int fd_ = -1;
  std::thread thread_;
};

// Client side, used by `cells admin ...`: sends one request, returns the answer's fields or the
// error. Error "no_server" when nothing listens on the socket.
Result<boost::json::object> call(const std::string& socket_path, const boost::json::object& request);

std::string socket_path(const std::string& data_dir);

}  // namespace cells::admin
