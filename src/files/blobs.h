// File contents on disk, under DATA/blobs, one immutable file per version. A new version is
// written completely (spooled upload, fsync) and renamed into place before the metadata points
// to it, so a crash or a failed upload never exposes a half-written file and never loses the
// previous version; the old blob is deleted only after the metadata commit.
#pragma once
#include <cstdint>
#include <string>

#include "core/result.h"

namespace cells::files {

struct StoredBlob {
  std::string id;
  std::int64_t size = 0;
  std::string sha256_hex;
};

class BlobStore {
 public:
  // `dir` is created if needed; `spool_dir` must be on the same filesystem (rename).
  BlobStore(std::string dir, std::string spool_dir);
  Status prepare();
  const std::string& spool_dir() const { return spool_dir_; }

  // Takes a fully received spool file: hashes it, fsyncs it, renames it into the store.
  Result<StoredBlob> adopt(const std::string& spool_file);
  Result<StoredBlob> copy(const std::string& id);
  std::string path(const std::string& id) const { return dir_ + "/" + id; }
  void remove(const std::string& id);

 private:
  std::string dir_;
  std::string spool_dir_;
};

}  // namespace cells::files
