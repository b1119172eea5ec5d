#include "files/blobs.h"

#include <chrono>

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "core/uuid.h"
#include "crypto/hash.h"

namespace cells::files {

namespace fs = std::filesystem;

namespace {
bool fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

BlobStore::BlobStore(std::string dir, std::string spool_dir) : dir_(std::move(dir)), spool_dir_(std::move(spool_dir)) {}

Status BlobStore::prepare() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (!ec) fs::create_directories(spool_dir_, ec);
  if (ec) return err("config", "cannot create " + dir_ + " or " + spool_dir_ + ": " + ec.message());
  // Spool files left by a crash are incomplete uploads that nothing points to. The folder may be
  // shared with other nodes, whose uploads in progress are younger: remove only day-old ones.
  auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(24);
  for (const auto& entry : fs::directory_iterator(spool_dir_, ec))
    if (entry.last_write_time(ec) < cutoff && !ec) fs::remove(entry.path(), ec);
  return ok();
}

Result<StoredBlob> BlobStore::adopt(const std::string& spool_file) {
  auto digest = crypto::sha256_file(spool_file);
  std::error_code ec;
  auto size = fs::file_size(spool_file, ec);
  if (!digest || ec || !fsync_path(spool_file, O_RDONLY)) return err("io", "cannot read the uploaded content");
  StoredBlob blob{new_uuid(), static_cast<std::int64_t>(size), crypto::hex(*digest)};
  if (::rename(spool_file.c_str(), path(blob.id).c_str()) != 0 || !fsync_path(dir_, O_RDONLY | O_DIRECTORY))
    return err("io", "cannot store the uploaded content");
  return blob;
}

Result<StoredBlob> BlobStore::copy(const std::string& id) {
  std::string tmp = spool_dir_ + "/copy-" + new_uuid();
  std::error_code ec;
  fs::copy_file(path(id), tmp, ec);
  if (ec) return err("io", "cannot copy content: " + ec.message());
  auto blob = adopt(tmp);
  if (!blob) fs::remove(tmp, ec);
  return blob;
}

void BlobStore::remove(const std::string& id) {
  if (id.empty()) return;
  std::error_code ec;
  fs::remove(path(id), ec);
  if (ec) spdlog::warn("cannot delete blob {}: {}", id, ec.message());
}

}  // namespace cells::files
