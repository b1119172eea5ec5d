#include "store/change_feed.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace cells::store {

namespace {
constexpr const char* kChannel = "cells";
constexpr char kSeparator = '\t';

struct PgConn {
  PGconn* conn = nullptr;
  ~PgConn() { reset(); }
  void reset() {
    if (conn) PQfinish(conn);
    conn = nullptr;
  }
};

bool connect_and_listen(PgConn& c, const std::string& url) {
  c.reset();
  c.conn = PQconnectdb(url.c_str());
  if (PQstatus(c.conn) != CONNECTION_OK) return false;
  PGresult* r = PQexec(c.conn, "LISTEN cells");
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  return ok;
}
}  // namespace

ChangeFeed::ChangeFeed(std::shared_ptr<Database> db)
    : db_(std::move(db)), live_(db_->backend() == Backend::sqlite) {}

ChangeFeed::~ChangeFeed() { stop(); }

void ChangeFeed::subscribe(std::string topic, Handler handler) { handlers_.emplace(std::move(topic), std::move(handler)); }

void ChangeFeed::deliver(std::string_view topic, std::string_view key) {
  auto [first, last] = handlers_.equal_range(topic);
  for (auto it = first; it != last; ++it) it->second(key);
}

void ChangeFeed::deliver_everything() {
  for (auto& [topic, handler] : handlers_) handler(kEverything);
}

void ChangeFeed::publish(std::string_view topic, std::string_view key) {
  deliver(topic, key);
  if (db_->backend() != Backend::postgresql) return;
  std::string payload = std::string(topic) + kSeparator + std::string(key);
  auto sent = db_->run([&](soci::session& sql) -> Status {
    sql << "SELECT pg_notify(:c, :p)", soci::use(std::string(kChannel)), soci::use(payload);
    return ok();
  });
  // Other nodes' listeners were disconnected too if this failed; they reset on reconnect.
  if (!sent) spdlog::warn("change notification not sent topic={}", topic);
}

ChangeFeed::Listening ChangeFeed::start() {
  if (db_->backend() != Backend::postgresql || listener_.joinable()) return Listening(*this);
  listener_ = std::thread([this] { listen_loop(); });
  for (int i = 0; i < 100 && !live(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return Listening(*this);
}

void ChangeFeed::stop() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

void ChangeFeed::listen_loop() {
  PgConn c;
  while (!stopping_) {
    if (!c.conn || PQstatus(c.conn) != CONNECTION_OK) {
      if (live_.exchange(false)) spdlog::warn("change feed disconnected: caches bypassed until it is back");
      if (!connect_and_listen(c, db_->url())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        continue;
      }
      deliver_everything();  // notifications may have been missed while disconnected
      live_ = true;
    }
    pollfd pfd{PQsocket(c.conn), POLLIN, 0};
    if (::poll(&pfd, 1, 200) < 0) continue;
    if (!PQconsumeInput(c.conn)) {
      c.reset();
      continue;
    }
    while (PGnotify* n = PQnotifies(c.conn)) {
      std::string_view payload(n->extra);
      auto tab = payload.find(kSeparator);
      if (tab != std::string_view::npos) deliver(payload.substr(0, tab), payload.substr(tab + 1));
      PQfreemem(n);
    }
  }
  live_ = false;
}

}  // namespace cells::store
