#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <thread>

namespace cells::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  asio::io_context io;
  asio::thread_pool workers;
  tcp::acceptor acceptor{io};
  std::optional<asio::ssl::context> tls;
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};

  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)), router(r), workers(threads_or(options.worker_threads, 2)) {}

  static int threads_or(int n, int per_core) {
    return n > 0 ? n : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) * per_core);
  }

  Request to_request(bhttp::request<bhttp::string_body>&& msg, const std::string& remote, bool secure) {
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target = msg.target();
    auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    req.body = std::move(msg.body());
    req.remote = remote;
    req.secure = secure;
    return req;
  }

  // Runs the handler where its route says; exceptions become a 500 without details.
  asio::awaitable<Response> dispatch(Request& req) {
    auto match = router.match(req);
    if (auto* r = std::get_if<Response>(&match)) co_return std::move(*r);
    const Route* route = std::get<const Route*>(match);
    auto call = [&]() -> Response {
      try {
        return route->handler(req);
      } catch (const std::exception& e) {
        spdlog::error("handler failed path={} error={}", req.path, e.what());
        return json_error(500, "server_error", "internal error");
      }
    };
    if (route->runs == Runs::on_io) co_return call();
    auto home = co_await asio::this_coro::executor;
    co_await asio::post(workers, use_awaitable);
    Response res = call();
    co_await asio::post(home, use_awaitable);
    co_return res;
  }

  static bhttp::response<bhttp::string_body> to_beast(Response&& res, unsigned version, bool keep_alive, bool head) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    out.set(bhttp::field::server, "cells");
    for (auto& [k, v] : res.headers) out.insert(k, v);
    std::size_t length = res.body.size();
    if (!head) out.body() = std::move(res.body);
    out.keep_alive(keep_alive);
    out.content_length(length);
    return out;
  }

  static Response parse_error_response(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return json_error(413, "invalid_request", "request body too large");
    if (ec == bhttp::error::header_limit) return json_error(431, "invalid_request", "request headers too large");
    return json_error(400, "invalid_request", "malformed HTTP request");
  }

  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, std::string remote, bool secure) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(options.limits.header_bytes);
      parser.body_limit(options.limits.body_bytes);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options.limits.idle_seconds));
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, no_throw);
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
        co_return;
      auto started = std::chrono::steady_clock::now();
      Response res;
      bool keep_alive = false;
      std::string method = "-", path = "-";
      unsigned version = 11;
      bool head = false;
      if (ec) {
        res = parse_error_response(ec);
      } else {
        auto msg = parser.release();
        keep_alive = msg.keep_alive() && !stopping;
        version = msg.version();
        head = msg.method() == bhttp::verb::head;
        Request req = to_request(std::move(msg), remote, secure);
        method = req.method;
        path = req.path;
        res = co_await dispatch(req);
      }
      int status = res.status;
      auto out = to_beast(std::move(res), version, keep_alive, head);
      auto [wec, wn] = co_await bhttp::async_write(stream, out, no_throw);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      // Only the path: queries and bodies may carry codes and tokens.
      spdlog::info("request method={} path={} status={} ms={:.2f} remote={}", method, path, status, ms, remote);
      if (wec || !keep_alive) break;
    }
  }

  asio::awaitable<void> connection(tcp::socket socket) {
    ++connections;
    std::string remote;
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options.limits.idle_seconds));
      auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, no_throw);
      if (!hec) {
        co_await serve(stream, remote, true);
        co_await stream.async_shutdown(no_throw);
      }
    } else {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, remote, false);
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    --connections;
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(no_throw);
      if (ec == asio::error::operation_aborted || stopping) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
      asio::co_spawn(io, connection(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> drain() {
    asio::steady_timer timer(io);
    for (int i = 0; i < 50 && connections > 0; ++i) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(no_throw);
    }
    io.stop();
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    asio::co_spawn(io, drain(), asio::detached);
  }
};

Server::Server(ServerOptions options, const Router& router) : impl_(std::make_unique<Impl>(std::move(options), router)) {}
Server::~Server() { impl_->workers.join(); }

Result<std::uint16_t> Server::listen() {
  auto& o = impl_->options;
  if (o.tls_cert_file || o.tls_key_file) {
    if (!o.tls_cert_file || !o.tls_key_file) return err("config", "--tls-cert and --tls-key go together");
    try {
      impl_->tls.emplace(asio::ssl::context::tls_server);
      impl_->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                              asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                              asio::ssl::context::no_tlsv1_1);
      impl_->tls->use_certificate_chain_file(*o.tls_cert_file);
      impl_->tls->use_private_key_file(*o.tls_key_file, asio::ssl::context::pem);
    } catch (const std::exception& e) {
      return err("config", std::string("cannot load TLS certificate or key: ") + e.what());
    }
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return err("config", "bad bind address '" + o.host + "'");
  tcp::endpoint ep(address, o.port);
  auto& a = impl_->acceptor;
  if (a.open(ep.protocol(), ec); ec) return err("listen", ec.message());
  a.set_option(asio::socket_base::reuse_address(true), ec);
  if (a.bind(ep, ec); ec) return err("listen", "cannot bind " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return err("listen", ec.message());
  return a.local_endpoint().port();
}

void Server::run() {
  auto& im = *impl_;
  im.signals.async_wait([&im](const beast::error_code& ec, int) {
    if (!ec) im.begin_stop();
  });
  asio::co_spawn(im.io, im.accept_loop(), asio::detached);
  int n = Impl::threads_or(im.options.io_threads, 1);
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([&im] { im.io.run(); });
  im.io.run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  asio::post(impl_->io, [this] { impl_->begin_stop(); });
}

}  // namespace cells::http
