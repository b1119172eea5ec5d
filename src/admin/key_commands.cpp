#include "admin/key_commands.h"

#include <boost/json.hpp>
#include <iostream>

#include "admin/cli_support.h"

namespace cells::admin {

namespace json = boost::json;

namespace {
json::object describe(const oidc::KeyRing& keys) {
  auto snap = keys.snapshot();
  json::array active;
  for (const auto& [alg, key] : snap->active) active.push_back(json::object{{"alg", crypto::alg_name(alg)}, {"kid", key.kid()}});
  return {{"active", active}, {"published", snap->by_kid.size()}};
}
}  // namespace

void register_key_commands(ChannelServer& ch, oidc::KeyRing& keys) {
  ch.add("keys.rotate", [&](const json::object&) -> Result<json::object> {
    if (auto st = keys.rotate(); !st) return st.error();
    return describe(keys);
  });
  ch.add("keys.list", [&](const json::object&) -> Result<json::object> { return describe(keys); });
}

void add_key_cli(CLI::App& keys, const std::string& data_dir) {
  keys.require_subcommand(1);
  auto print = [](const json::object& a) {
    std::cout << "ALG\tKID (active)\n";
    for (const auto& v : a.at("active").as_array())
      std::cout << str(v.as_object(), "alg") << "\t" << str(v.as_object(), "kid") << "\n";
    std::cout << a.at("published").to_number<long long>() << " keys published in the JWKS\n";
  };
  keys.add_subcommand("rotate", "Create new signing keys; old ones stay in the JWKS until their tokens expire")
      ->callback([&data_dir, print] { print(call_or_exit(data_dir, {{"cmd", "keys.rotate"}})); });
  keys.add_subcommand("list", "Show the active signing keys")
      ->callback([&data_dir, print] { print(call_or_exit(data_dir, {{"cmd", "keys.list"}})); });
}

}  // namespace cells::admin
