#include "http/server.h"

#include "core/memory_only.h"
#include "crypto/hash.h"
#include "http/forwarded.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <thread>

#include <unistd.h>

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
  // One io_context per I/O thread, each connection pinned to one: a request never takes a lock
  // another I/O thread holds nor wakes another thread (a shared io_context cost about six futex
  // and epoll_ctl calls per request). The first one also accepts and handles signals.
  std::vector<std::unique_ptr<asio::io_context>> ios;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::size_t next_io = 0;
  asio::thread_pool workers;
  tcp::acceptor acceptor{*ios.front()};
  std::optional<asio::ssl::context> tls;
  asio::signal_set signals{*ios.front(), SIGINT, SIGTERM};
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};

  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        ios(contexts(threads_or(options.io_threads, 1))),
        keep_running(guards(ios)),
        workers(threads_or(options.worker_threads, 2)) {}

  static std::vector<std::unique_ptr<asio::io_context>> contexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));  // hint: one thread runs it
    return out;
  }

  static std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards(
      const std::vector<std::unique_ptr<asio::io_context>>& contexts) {
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> out;
    for (const auto& c : contexts) out.push_back(asio::make_work_guard(*c));
    return out;
  }

  asio::io_context& io() { return *ios.front(); }

  static int threads_or(int n, int per_core) {
    return n > 0 ? n : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) * per_core);
  }

  template <typename Header>
  Request to_request(const Header& msg, const std::string& remote, bool secure) {
    Request req;
    req.method = std::string(msg.method_string());
    std::string_view target = msg.target();
    auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    req.remote = client_address(remote, req.header("X-Forwarded-For"), options.trusted_proxies);
    req.secure = secure;
    return req;
  }

  // Runs the handler where its route says; exceptions become a 500 without details.
  asio::awaitable<Response> dispatch(Request& req, const Route* route) {
    auto call = [&]() -> Response {
      try {
        return route->handler(req);
      } catch (const std::exception& e) {
        spdlog::error("handler failed path={} error={}", req.path, e.what());
        return json_error(500, "server_error", "internal error");
      }
    };
    if (route->runs == Runs::on_io) co_return call();
    if (route->runs == Runs::memory_first) {
      MemoryOnly attempt;
      Response res = call();
      if (!attempt.refused()) co_return res;
    }
    auto home = co_await asio::this_coro::executor;
    co_await asio::post(workers, use_awaitable);
    Response res = call();
    co_await asio::post(home, use_awaitable);
    co_return res;
  }

  static void fill_headers(bhttp::fields& out, Response& res) {
    out.set(bhttp::field::server, "cells");
    for (auto& [k, v] : res.headers) out.insert(k, v);
  }

  template <typename Stream>
  asio::awaitable<beast::error_code> write_response(Stream& stream, Response&& res, unsigned version, bool keep_alive,
                                                    bool head) {
    if (res.file) co_return co_await write_file(stream, std::move(res), version, keep_alive, head);
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    fill_headers(out, res);
    std::size_t length = res.body.size();
    if (!head) out.body() = std::move(res.body);
    out.keep_alive(keep_alive);
    out.content_length(length);
    auto [ec, n] = co_await bhttp::async_write(stream, out, no_throw);
    co_return ec;
  }

  // Streams a file range in fixed-size chunks: memory stays flat whatever the file size.
  template <typename Stream>
  asio::awaitable<beast::error_code> write_file(Stream& stream, Response&& res, unsigned version, bool keep_alive,
                                                bool head) {
    beast::error_code ec;
    beast::file file;
    file.open(res.file->path.c_str(), beast::file_mode::read, ec);
    if (!ec) file.seek(res.file->offset, ec);
    if (ec) {
      spdlog::error("cannot open response file: {}", ec.message());
      co_return co_await write_response(stream, json_error(500, "server_error", "internal error"), version, false, head);
    }
    bhttp::response<bhttp::buffer_body> out{static_cast<bhttp::status>(res.status), version};
    fill_headers(out, res);
    out.keep_alive(keep_alive);
    out.content_length(res.file->length);
    out.body().data = nullptr;
    out.body().more = !head && res.file->length > 0;
    bhttp::response_serializer<bhttp::buffer_body> sr{out};
    auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, no_throw);
    if (hec || head) co_return hec;
    std::vector<char> chunk(256 * 1024);
    std::uint64_t left = res.file->length;
    while (left > 0) {
      std::size_t n = file.read(chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), left)), ec);
      if (ec || n == 0) co_return ec ? ec : beast::error_code(asio::error::eof);
      left -= n;
      out.body().data = chunk.data();
      out.body().size = n;
      out.body().more = left > 0;
      auto [wec, wn] = co_await bhttp::async_write(stream, sr, no_throw);
      if (wec && wec != bhttp::error::need_buffer) co_return wec;
    }
    if (!sr.is_done()) {
      auto [wec, wn] = co_await bhttp::async_write(stream, sr, no_throw);
      if (wec && wec != bhttp::error::need_buffer) co_return wec;
    }
    co_return beast::error_code{};
  }

  static Response parse_error_response(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return json_error(413, "invalid_request", "request body too large");
    if (ec == bhttp::error::header_limit) return json_error(431, "invalid_request", "request headers too large");
    if (ec == bhttp::error::partial_message) return json_error(400, "invalid_request", "request body was truncated");
    if (ec == bhttp::error::bad_content_length)
      return json_error(411, "length_required", "send Content-Length or use chunked transfer encoding");
    if (ec == asio::error::no_buffer_space) return json_error(503, "temporarily_unavailable", "cannot spool the upload");
    return json_error(400, "invalid_request", "malformed HTTP request");
  }

  static bool closed(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted;
  }

  // Random names: several nodes (perhaps all PID 1 in their containers) share one spool folder.
  std::string spool_path() { return options.spool_dir + "/upload-" + crypto::random_token(16); }

  // Reads the body the route asks for: in memory, or streamed to a spool file.
  template <typename Stream>
  asio::awaitable<beast::error_code> read_body(Stream& stream, beast::flat_buffer& buffer,
                                               bhttp::request_parser<bhttp::empty_body>& head, Request& req,
                                               const Route* route) {
    if (route && route->runs == Runs::with_upload) {
      // An upload needs a known framing; without one HTTP/1.1 says "no body" and we would store
      // an empty file by mistake.
      if (!head.content_length() && !head.chunked()) co_return bhttp::error::bad_content_length;
      bhttp::request_parser<bhttp::file_body> parser(std::move(head));
      parser.body_limit(options.limits.upload_bytes);
      beast::error_code ec;
      req.body_file = spool_path();
      parser.get().body().open(req.body_file.c_str(), beast::file_mode::write_new, ec);
      if (ec) {
        spdlog::error("cannot create spool file: {}", ec.message());
        req.body_file.clear();
        co_return asio::error::no_buffer_space;
      }
      if (parser.get()[bhttp::field::expect] == "100-continue") {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, parser.get().version()};
        co_await bhttp::async_write(stream, cont, no_throw);
      }
      auto [rec, n] = co_await bhttp::async_read(stream, buffer, parser, no_throw);
      co_return rec;
    }
    // Beast checks Content-Length against the limit only while parsing the header, which the
    // header-only parser did with the upload limit: check it here for in-memory bodies.
    if (auto length = head.content_length(); length && *length > options.limits.body_bytes)
      co_return bhttp::error::body_limit;
    bhttp::request_parser<bhttp::string_body> parser(std::move(head));
    parser.body_limit(options.limits.body_bytes);
    auto [rec, n] = co_await bhttp::async_read(stream, buffer, parser, no_throw);
    if (!rec) req.body = std::move(parser.get().body());
    co_return rec;
  }

  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, std::string remote, bool secure) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::empty_body> head;
      head.header_limit(options.limits.header_bytes);
      head.body_limit(options.limits.upload_bytes);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options.limits.idle_seconds));
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, head, no_throw);
      if (closed(ec)) co_return;
      auto started = std::chrono::steady_clock::now();
      Response res;
      bool keep_alive = false;
      unsigned version = 11;
      bool is_head = false;
      Request req;
      if (!ec) {
        const auto& msg = head.get();
        keep_alive = msg.keep_alive() && !stopping;
        version = msg.version();
        is_head = msg.method() == bhttp::verb::head;
        req = to_request(msg, remote, secure);
        auto match = router.match(req);
        const Route* route = std::get_if<const Route*>(&match) ? std::get<const Route*>(match) : nullptr;
        // Uploads may take long: the idle timeout applies per read, not to the whole body.
        beast::get_lowest_layer(stream).expires_never();
        ec = co_await read_body(stream, buffer, head, req, route);
        // (No co_await inside ?: — GCC 12 miscompiles it.)
        if (!ec && route) res = co_await dispatch(req, route);
        if (!ec && !route) res = std::move(std::get<Response>(match));
      }
      if (ec) spdlog::debug("request read failed: {}", ec.message());
      if (ec) {
        if (ec == beast::error::timeout || ec == asio::error::connection_reset) {
          discard_spool(req);
          co_return;
        }
        res = parse_error_response(ec);
        keep_alive = false;
      }
      int status = res.status;
      // Every 503 (database unavailable, mostly) tells clients and balancers when to come back.
      if (status == 503 && !res.header("Retry-After")) res.set("Retry-After", "5");
      beast::get_lowest_layer(stream).expires_never();
      auto wec = co_await write_response(stream, std::move(res), version, keep_alive, is_head);
      discard_spool(req);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      // Only the path: queries and bodies may carry codes and tokens.
      spdlog::info("request method={} path={} status={} ms={:.2f} remote={}", req.method.empty() ? "-" : req.method,
                   req.path.empty() ? "-" : req.path, status, ms, req.remote.empty() ? remote : req.remote);
      if (wec || !keep_alive) break;
    }
  }

  static void discard_spool(const Request& req) {
    if (!req.body_file.empty()) ::unlink(req.body_file.c_str());
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
      asio::io_context& home = *ios[next_io++ % ios.size()];
      auto [ec, socket] = co_await acceptor.async_accept(home, no_throw);
      if (ec == asio::error::operation_aborted || stopping) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
      // Small answers (a token, a JSON error) must not wait for Nagle and delayed ACKs.
      beast::error_code nodelay_ec;
      socket.set_option(tcp::no_delay(true), nodelay_ec);
      asio::co_spawn(home, connection(std::move(socket)), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("connection failed: {}", ex.what());
        }
      });
    }
  }

  asio::awaitable<void> drain() {
    asio::steady_timer timer(io());
    for (int i = 0; i < 50 && connections > 0; ++i) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(no_throw);
    }
    for (auto& c : ios) c->stop();
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    asio::co_spawn(io(), drain(), asio::detached);
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
  asio::co_spawn(im.io(), im.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < im.ios.size(); ++i) threads.emplace_back([&c = *im.ios[i]] { c.run(); });
  im.io().run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  asio::post(impl_->io(), [this] { impl_->begin_stop(); });
}

}  // namespace cells::http
