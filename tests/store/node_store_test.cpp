// SqlNodeStore on both backends: one root per workspace and owner, names unique per folder
// (also when two nodes race), paging, content replacement, moves that keep the UUID, subtree
// removal with its blobs and properties, and dead properties.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "core/uuid.h"
#include "store/sql/sql_nodes.h"
#include "support/test_database.h"

using namespace cells::store;

namespace {
class NodeStoreOn : public cells::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    nodes_ = std::make_unique<SqlNodeStore>(db());
    auto r = nodes_->root("personal-files", "u1", 1);
    ASSERT_TRUE(r);
    root_ = *r;
  }

  // A folder (blob "") or a file (blob given) under `parent`.
  Node add(const std::string& parent, const std::string& name, const std::string& blob = "") {
    Node n{cells::new_uuid(), "personal-files", "u1", parent, name, blob.empty(), 3, 5, "etag", "", blob};
    EXPECT_TRUE(nodes_->create(n)) << name;
    return n;
  }

  std::unique_ptr<SqlNodeStore> nodes_;
  Node root_;
};

std::vector<std::string> names(const std::vector<Node>& nodes) {
  std::vector<std::string> out;
  for (const auto& n : nodes) out.push_back(n.name);
  return out;
}
}  // namespace

TEST_P(NodeStoreOn, OneRootPerWorkspaceAndOwner) {
  auto again = nodes_->root("personal-files", "u1", 99);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->uuid, root_.uuid);
  EXPECT_TRUE(root_.is_folder);
  EXPECT_EQ(root_.parent_uuid, "");
  EXPECT_NE(nodes_->root("personal-files", "u2", 1)->uuid, root_.uuid);
  EXPECT_NE(nodes_->root("common-files", "u1", 1)->uuid, root_.uuid);
  auto found = nodes_->find(root_.uuid);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->workspace, "personal-files");
  EXPECT_EQ((*found)->owner, "u1");
}

TEST_P(NodeStoreOn, NamesAreUniquePerFolder) {
  auto a = add(root_.uuid, "docs");
  auto b = add(root_.uuid, "other");
  Node dup{cells::new_uuid(), "personal-files", "u1", root_.uuid, "docs", false, 1, 1, "e", "h", "blob-x"};
  auto st = nodes_->create(dup);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "conflict");
  EXPECT_FALSE(nodes_->find(dup.uuid)->has_value()) << "nothing stored on conflict";
  dup.parent_uuid = b.uuid;
  EXPECT_TRUE(nodes_->create(dup)) << "the same name in another folder is fine";
  auto child = nodes_->child(root_.uuid, "docs");
  ASSERT_TRUE(child && child->has_value());
  EXPECT_EQ((*child)->uuid, a.uuid);
  EXPECT_FALSE(nodes_->child(root_.uuid, "Docs")->has_value()) << "names are case-sensitive";
}

// The same name created through two nodes at once: the UNIQUE (parent_uuid, name) constraint
// settles it, and the loser gets "conflict".
TEST_P(NodeStoreOn, ConcurrentCreationAcrossTwoNodesHasOneWinner) {
  SqlNodeStore other(database().open_again());
  for (int round = 0; round < 20; ++round) {
    std::string name = "race-" + std::to_string(round);
    std::atomic<int> created{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        Node n{cells::new_uuid(), "personal-files", "u1", root_.uuid, name, true, 0, 1, "e", "", ""};
        auto st = (i % 2 ? other : *nodes_).create(n);
        if (st) ++created;
        else if (st.error().code == "conflict") ++conflicts;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1) << name;
    EXPECT_EQ(conflicts.load(), 3) << name;
  }
}

TEST_P(NodeStoreOn, ChildrenAreSortedAndPaged) {
  for (auto n : {"c", "a", "e", "b", "d"}) add(root_.uuid, n);
  EXPECT_EQ(names(*nodes_->children(root_.uuid, 0, 100)), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(names(*nodes_->children(root_.uuid, 1, 2)), (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(nodes_->children(root_.uuid, 5, 2)->empty());
  EXPECT_TRUE(nodes_->children("no-such-parent", 0, 10)->empty());
}

TEST_P(NodeStoreOn, SetContentReturnsTheReplacedBlob) {
  auto f = add(root_.uuid, "f.txt", "blob-1");
  auto replaced = nodes_->set_content(f.uuid, 42, 77, "etag-2", "hash-2", "blob-2");
  ASSERT_TRUE(replaced);
  EXPECT_EQ(*replaced, "blob-1");
  auto now = **nodes_->find(f.uuid);
  EXPECT_EQ(now.size, 42);
  EXPECT_EQ(now.mtime, 77);
  EXPECT_EQ(now.etag, "etag-2");
  EXPECT_EQ(now.content_hash, "hash-2");
  EXPECT_EQ(now.blob, "blob-2");
  auto missing = nodes_->set_content("nope", 1, 1, "e", "h", "b");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");
}

TEST_P(NodeStoreOn, MoveKeepsTheUuidAndRefusesATakenName) {
  auto dir = add(root_.uuid, "dir");
  auto f = add(root_.uuid, "f.txt", "blob-1");
  add(dir.uuid, "taken.txt", "blob-2");

  auto st = nodes_->move(f.uuid, dir.uuid, "taken.txt", 9);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, "conflict");
  EXPECT_EQ((**nodes_->find(f.uuid)).parent_uuid, root_.uuid) << "unchanged after a refused move";

  ASSERT_TRUE(nodes_->move(f.uuid, dir.uuid, "g.txt", 9));
  auto moved = **nodes_->find(f.uuid);
  EXPECT_EQ(moved.parent_uuid, dir.uuid);
  EXPECT_EQ(moved.name, "g.txt");
  EXPECT_EQ(moved.mtime, 9);
  EXPECT_EQ(moved.blob, "blob-1");
  EXPECT_FALSE(nodes_->child(root_.uuid, "f.txt")->has_value());
  EXPECT_TRUE(nodes_->move(f.uuid, dir.uuid, "g.txt", 10)) << "moving onto its own name is no conflict";

  auto missing = nodes_->move("nope", dir.uuid, "x", 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");
}

TEST_P(NodeStoreOn, RemoveTreeDeletesTheSubtreeItsPropertiesAndReturnsItsBlobs) {
  auto top = add(root_.uuid, "top");
  auto sub = add(top.uuid, "sub");
  auto f1 = add(top.uuid, "f1", "blob-1");
  auto f2 = add(sub.uuid, "f2", "blob-2");
  auto sibling = add(root_.uuid, "sibling", "blob-3");
  ASSERT_TRUE(nodes_->change_properties(f2.uuid, {{true, {"urn:x", "color", "red"}}}));
  ASSERT_TRUE(nodes_->change_properties(sibling.uuid, {{true, {"urn:x", "color", "blue"}}}));

  auto blobs = nodes_->remove_tree(top.uuid);
  ASSERT_TRUE(blobs);
  std::sort(blobs->begin(), blobs->end());
  EXPECT_EQ(*blobs, (std::vector<std::string>{"blob-1", "blob-2"}));
  for (const auto& gone : {top, sub, f1, f2}) EXPECT_FALSE(nodes_->find(gone.uuid)->has_value()) << gone.name;
  EXPECT_TRUE(nodes_->properties(f2.uuid)->empty()) << "a deleted node's properties go with it";
  EXPECT_TRUE(nodes_->find(sibling.uuid)->has_value());
  EXPECT_EQ(nodes_->properties(sibling.uuid)->size(), 1u);
  EXPECT_EQ(*nodes_->remove_tree(sibling.uuid), (std::vector<std::string>{"blob-3"})) << "a single file";
}

TEST_P(NodeStoreOn, DeadPropertiesSetReplaceAndRemove) {
  auto f = add(root_.uuid, "f", "blob");
  ASSERT_TRUE(nodes_->change_properties(
      f.uuid, {{true, {"urn:b", "z", "1"}}, {true, {"urn:a", "y", "<x>2</x>"}}, {true, {"urn:b", "a", "3"}}}));
  ASSERT_TRUE(nodes_->change_properties(f.uuid, {{true, {"urn:b", "z", "replaced"}}, {false, {"urn:b", "a", ""}}}));
  auto props = nodes_->properties(f.uuid);
  ASSERT_TRUE(props);
  ASSERT_EQ(props->size(), 2u);
  EXPECT_EQ((*props)[0].ns, "urn:a");
  EXPECT_EQ((*props)[0].value, "<x>2</x>");
  EXPECT_EQ((*props)[1].name, "z");
  EXPECT_EQ((*props)[1].value, "replaced");
}

INSTANTIATE_TEST_SUITE_P(Backends, NodeStoreOn, ::testing::ValuesIn(cells::testing::kBackends),
                         cells::testing::backend_name);

// A user's first request reaching two nodes at once: both must get the same root.
TEST_P(NodeStoreOn, ConcurrentFirstUseOfARootAcrossTwoNodes) {
  SqlNodeStore other(database().open_again());
  for (int round = 0; round < 20; ++round) {
    std::string owner = "owner-" + std::to_string(round);
    std::vector<std::string> uuids(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&, i] {
        auto r = (i % 2 ? other : *nodes_).root("personal-files", owner, 1);
        uuids[i] = r ? r->uuid : "error: " + r.error().code;
      });
    for (auto& t : threads) t.join();
    for (int i = 1; i < 4; ++i) EXPECT_EQ(uuids[i], uuids[0]) << owner;
  }
}

// Every file request looks its root up: an existing root must be found while another node is
// in a write transaction (on SQLite, BEGIN IMMEDIATE would make it wait for that writer).
TEST_P(NodeStoreOn, AnExistingRootIsFoundWhileAnotherNodeWrites) {
  auto other = database().open_again();
  std::promise<void> locked, release;
  std::thread writer([&] {
    other->write([&](soci::session&) -> cells::Status {
      locked.set_value();
      release.get_future().wait_for(std::chrono::seconds(15));
      return cells::ok();
    });
  });
  locked.get_future().wait();
  auto lookup = std::async(std::launch::async, [&] { return nodes_->root("personal-files", "u1", 2); });
  bool answered = lookup.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  release.set_value();
  writer.join();
  ASSERT_TRUE(answered) << "the root lookup waited for another node's write transaction";
  auto found = lookup.get();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->uuid, root_.uuid);
}
