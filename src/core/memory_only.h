// Lets the server try a request on its I/O thread before paying two thread hops to the worker
// pool: while a MemoryOnly scope is alive on this thread, code that would block (a database
// call, a slow hash) calls MemoryOnly::refuse() and fails at once instead; the server then
// throws that answer away and runs the request again on a worker. Only for handlers whose side
// effects before their first blocking call are idempotent (see Runs::memory_first).
#pragma once

namespace cells {

class MemoryOnly {
 public:
  MemoryOnly() : outer_refused_(refused_) {
    ++depth_;
    refused_ = false;
  }
  ~MemoryOnly() {
    --depth_;
    refused_ = outer_refused_;
  }
  MemoryOnly(const MemoryOnly&) = delete;
  MemoryOnly& operator=(const MemoryOnly&) = delete;

  // True (and remembered) when inside a scope: the caller must fail now rather than block.
  static bool refuse() {
    if (depth_ == 0) return false;
    refused_ = true;
    return true;
  }
  bool refused() const { return refused_; }

 private:
  bool outer_refused_;
  static inline thread_local int depth_ = 0;
  static inline thread_local bool refused_ = false;
};

}  // namespace cells
