#include "tokens/rest_tokens.h"

#include <boost/json.hpp>

#include "core/duration.h"
#include "http/form.h"

namespace cells::tokens {

namespace json = boost::json;

namespace {

json::object describe(const store::PersonalToken& t) {
  return {{"id", t.id},
          {"label", t.label},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at},
          {"expires_at", t.expires_at},
          {"window_seconds", t.window_seconds},
          {"scopes", json::array(t.scopes.begin(), t.scopes.end())}};
}

http::Response bad_request(const std::string& message) { return http::json_error(400, "invalid_request", message); }

Result<NewPat> read_body(files::RestApi& api, const auth::Principal& who, const std::string& body) {
  json::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return err("invalid_request", "body must be a JSON object");
  const auto& o = doc.as_object();
  NewPat n{who.user.id, "", "self-service", std::nullopt, std::nullopt, {}};
  if (auto* v = o.if_contains("label"); v && v->is_string()) n.label = std::string(v->as_string());
  if (auto* v = o.if_contains("expire"); v && v->is_string()) {
    auto seconds = parse_duration(v->as_string());
    if (!seconds) return seconds.error();
    n.expire_seconds = *seconds;
  }
  if (auto* v = o.if_contains("auto"); v) {
    if (!v->is_int64() || v->as_int64() <= 0) return err("invalid_request", "auto must be a positive number of seconds");
    n.window_seconds = v->as_int64();
  }
  if (auto* v = o.if_contains("scopes"); v && v->is_array())
    for (const auto& s : v->as_array()) {
      auto scope = parse_node_scope(s.is_string() ? std::string_view(s.as_string()) : "");
      if (!scope) return scope.error();
      if (!api.tree.stat_uuid(who, scope->node_uuid)) return err("invalid_request", "node " + scope->node_uuid + " is not accessible");
      n.scopes.push_back(*scope);
    }
  return n;
}

}  // namespace

void add_token_routes(http::Router& router, files::RestApi& api, PatService& pats) {
  auto guarded = [&api](auto fn) {
    return [&api, fn](http::Request& req) {
      auto who = api.auth.authenticate(req, false);
      if (!who) return auth::challenge(who.error(), false);
      return fn(*who, req);
    };
  };
  router.add("GET", "/a/auth/tokens", guarded([&pats](const auth::Principal& who, http::Request&) {
               auto list = pats.list(who.user.id);
               if (!list) return files::error_response(list.error());
               json::array out;
               for (const auto& t : *list) out.push_back(describe(t));
               return http::Response::json(200, json::object{{"tokens", out}});
             }), http::Runs::on_workers);
  router.add("POST", "/a/auth/tokens", guarded([&pats, &api](const auth::Principal& who, http::Request& req) {
               if (!who.node_scopes.empty()) return http::json_error(403, "forbidden", "a scoped token cannot create tokens");
               auto request = read_body(api, who, req.body);
               if (!request) return bad_request(request.error().message);
               auto created = pats.create(*request);
               if (!created) return bad_request(created.error().message);
               auto body = describe(created->record);
               body["token"] = created->token;
               return http::Response::json(201, body);
             }), http::Runs::on_workers);
  router.add("DELETE", "/a/auth/tokens", guarded([&pats](const auth::Principal& who, http::Request& req) {
               auto params = http::Form::parse(req.query);
               auto id = params ? params->get_or("id") : std::string();
               auto mine = pats.list(who.user.id);
               if (!mine) return files::error_response(mine.error());
               bool owned = std::any_of(mine->begin(), mine->end(), [&](const auto& t) { return t.id == id; });
               if (id.empty() || !owned) return http::json_error(404, "not_found", "no such token");
               if (auto st = pats.revoke(id); !st) return files::error_response(st.error());
               return http::Response::empty(204);
             }), http::Runs::on_workers);
}

}  // namespace cells::tokens
