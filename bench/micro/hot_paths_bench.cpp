// Google Benchmark micro-benchmarks of what every request pays for: JWT signing and
// verification per algorithm, a verified-token cache hit (what a repeated Bearer costs), PAT
// parsing and lookup (cached, after the first use), redirect-URI matching, and the file
// authorization check with node scopes. Run by bench/micro.sh; not part of the unit tests.
#include <benchmark/benchmark.h>

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <filesystem>

#include "core/bounded_cache.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "files/access.h"
#include "oidc/clients/redirect_uri.h"
#include "store/cached_stores.h"
#include "store/change_feed.h"
#include "store/database.h"
#include "store/sql/sql_personal_tokens.h"
#include "store/sql/sql_users.h"
#include "tokens/pat_format.h"
#include "tokens/pat_service.h"

using namespace cells;

namespace {

const bool quiet = [] {
  spdlog::set_level(spdlog::level::warn);  // no migration chatter between results
  return true;
}();

boost::json::object claims() {
  return {{"iss", "http://127.0.0.1:8080/oidc"}, {"sub", "3f1c6e2a-9f7b-4d55-8a43-0c1e2d3f4a5b"},
          {"client_id", "backend-app"}, {"scope", "openid profile"}, {"jti", "5e0d8c1a-7b6f-4e3d-9c2b-1a0f9e8d7c6b"},
          {"iat", now_seconds()}, {"exp", now_seconds() + 600}};
}

const crypto::SigningKey& key_for(crypto::Alg alg) {
  static std::map<crypto::Alg, crypto::SigningKey> keys;
  auto it = keys.find(alg);
  if (it == keys.end()) it = keys.emplace(alg, *crypto::SigningKey::generate(alg)).first;
  return it->second;
}

void BM_JwtSign(benchmark::State& state) {
  auto alg = static_cast<crypto::Alg>(state.range(0));
  const auto& key = key_for(alg);
  auto payload = claims();
  for (auto _ : state) benchmark::DoNotOptimize(crypto::sign_jwt(key, payload, "at+jwt"));
  state.SetLabel(std::string(crypto::alg_name(alg)));
}

void BM_JwtVerify(benchmark::State& state) {
  auto alg = static_cast<crypto::Alg>(state.range(0));
  const auto& key = key_for(alg);
  auto jwt = crypto::sign_jwt(key, claims(), "at+jwt");
  for (auto _ : state) {
    auto v = crypto::verify_jwt(jwt, [&](std::string_view) { return &key; });
    if (!v) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
  state.SetLabel(std::string(crypto::alg_name(alg)));
}

// What a Bearer JWT seen before costs instead of a verification: SHA-256 of it and a lookup.
void BM_VerifiedTokenCacheHit(benchmark::State& state) {
  auto jwt = crypto::sign_jwt(key_for(crypto::Alg::ES256), claims(), "at+jwt");
  BoundedCache<std::string> cache(50000);
  for (int i = 0; i < 10000; ++i) cache.put(crypto::sha256("other" + std::to_string(i)), "x", cache.generation());
  cache.put(crypto::sha256(jwt), "claims", cache.generation());
  for (auto _ : state) {
    auto hit = cache.find(crypto::sha256(jwt));
    if (!hit) state.SkipWithError("miss");
    benchmark::DoNotOptimize(hit);
  }
}

void BM_PatWellFormed(benchmark::State& state) {
  auto token = tokens::new_pat();
  for (auto _ : state) benchmark::DoNotOptimize(tokens::well_formed_pat(token));
}

// A PAT's full check after its first use: format, digest, in-memory record and sliding update,
// user through the same cache the server uses, over a real SQLite file.
void BM_PatVerifyCached(benchmark::State& state) {
  auto path = std::filesystem::temp_directory_path() / "cells-bench-pat.db";
  std::filesystem::remove(path);
  auto db = *store::Database::open("sqlite:" + path.string(), 2);
  store::SqlUserStore sql_users(db);
  store::ChangeFeed feed(db);
  store::CachedUserStore users(sql_users, feed);
  store::SqlPersonalTokenStore pat_store(db);
  store::User u{"3f1c6e2a-9f7b-4d55-8a43-0c1e2d3f4a5b", "bench", "Bench", "", "x", false, 1, 1, 1};
  (void)users.create(u);
  tokens::PatService pats(pat_store, users, 365 * 86400, &feed);
  auto created = pats.create({u.id, "bench", "admin", std::nullopt, 600, {}});
  for (auto _ : state) {
    auto p = pats.verify(created->token, std::nullopt);
    if (!p) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(p);
  }
  std::filesystem::remove(path);
}

void BM_RedirectUriMatch(benchmark::State& state) {
  std::string registered = "http://localhost:[3636-3666]/servers/callback";
  std::string requested = "http://localhost:3650/servers/callback";
  for (auto _ : state) benchmark::DoNotOptimize(oidc::redirect_uri_matches(registered, requested));
}

// A node 8 levels deep, a token scoped to its grandparent: the check walks the chain.
void BM_AuthorizeWithNodeScope(benchmark::State& state) {
  std::vector<store::Node> chain;
  for (int i = 0; i < 8; ++i) {
    store::Node n;
    n.uuid = "00000000-0000-4000-8000-00000000000" + std::to_string(i);
    n.workspace = "personal-files";
    n.owner = "u1";
    n.is_folder = i < 7;
    chain.push_back(n);
  }
  auth::Principal who;
  who.user.id = "u1";
  who.node_scopes.push_back({chain[5].uuid, true, false});
  for (auto _ : state) {
    auto st = files::authorize(who, std::nullopt, chain, files::Permission::read);
    if (!st) state.SkipWithError("denied");
    benchmark::DoNotOptimize(st);
  }
}

}  // namespace

#define ALGS ->Arg(static_cast<int>(crypto::Alg::RS256))->Arg(static_cast<int>(crypto::Alg::PS256)) \
    ->Arg(static_cast<int>(crypto::Alg::ES256))->Arg(static_cast<int>(crypto::Alg::EdDSA))
BENCHMARK(BM_JwtSign) ALGS;
BENCHMARK(BM_JwtVerify) ALGS;
BENCHMARK(BM_VerifiedTokenCacheHit);
BENCHMARK(BM_PatWellFormed);
BENCHMARK(BM_PatVerifyCached);
BENCHMARK(BM_RedirectUriMatch);
BENCHMARK(BM_AuthorizeWithNodeScope);
BENCHMARK_MAIN();
