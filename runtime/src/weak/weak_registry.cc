#include "weak/weak_registry.h"

#include <algorithm>

#include "mosaic/object.h"

namespace mosaic::internal {

namespace {

Value* Field(Value object, size_t index) {
  return reinterpret_cast<Value*>(object.ObjectWords() + index);
}

}  // namespace

void WeakRegistry::AddWeakPair(Value weak_pair) {
  std::lock_guard<std::mutex> lock(mu_);
  weak_pairs_.push_back(weak_pair);
}

void WeakRegistry::AddEphemeron(Value ephemeron) {
  std::lock_guard<std::mutex> lock(mu_);
  ephemerons_.push_back(ephemeron);
}

uint64_t WeakRegistry::AddGuardian(Value guardian) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id;
  if (!free_guardians_.empty()) {
    id = free_guardians_.back();
    free_guardians_.pop_back();
  } else {
    id = guardians_.size();
    guardians_.emplace_back();
  }
  guardians_[id] = Guardian{guardian, {}, {}, true};
  return id;
}

void WeakRegistry::Register(uint64_t guardian, Value object) {
  std::lock_guard<std::mutex> lock(mu_);
  guardians_[guardian].registered.push_back(object);
}

bool WeakRegistry::Take(uint64_t guardian, Value* object) {
  std::lock_guard<std::mutex> lock(mu_);
  std::deque<Value>& queued = guardians_[guardian].queued;
  if (queued.empty()) return false;
  *object = queued.front();
  queued.pop_front();
  return true;
}

void WeakRegistry::ForEachQueued(absl::FunctionRef<void(Value)> visit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Guardian& g : guardians_) {
    for (Value v : g.queued) visit(v);
  }
}

uint64_t WeakRegistry::ClearWeak(absl::FunctionRef<bool(Value)> is_marked) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t cleared = 0;
  auto dead = [&](Value v) { return v.IsHeapReference() && !is_marked(v); };
  for (Value wp : weak_pairs_) {
    if (!is_marked(wp)) continue;  // dead (or not yet resurrected): PruneDead decides
    Value* target = Field(wp, 1);
    if (dead(*target)) {
      *target = Value::BrokenWeak();
      ++cleared;
    }
  }
  for (Value e : ephemerons_) {
    if (!is_marked(e)) continue;
    if (dead(*Field(e, 1))) {
      *Field(e, 1) = Value::BrokenWeak();
      *Field(e, 2) = Value::BrokenWeak();
      ++cleared;
    }
  }
  return cleared;
}

uint64_t WeakRegistry::ResurrectGuarded(absl::FunctionRef<bool(Value)> is_marked,
                                        absl::FunctionRef<void(Value)> keep) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t resurrected = 0;
  for (uint64_t id = 0; id < guardians_.size(); ++id) {
    Guardian& g = guardians_[id];
    if (!g.in_use) continue;
    if (!is_marked(g.object)) {
      // The guardian is gone: nobody can take from it, so its registrations die normally.
      g = Guardian{};
      free_guardians_.push_back(id);
      continue;
    }
    size_t kept = 0;
    for (Value object : g.registered) {
      if (object.IsHeapReference() && !is_marked(object)) {
        g.queued.push_back(object);
        keep(object);
        ++resurrected;
      } else {
        g.registered[kept++] = object;
      }
    }
    g.registered.resize(kept);
  }
  return resurrected;
}

void WeakRegistry::PruneDead(absl::FunctionRef<bool(Value)> is_marked) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(weak_pairs_, [&](Value v) { return !is_marked(v); });
  std::erase_if(ephemerons_, [&](Value v) { return !is_marked(v); });
}

size_t WeakRegistry::weak_objects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return weak_pairs_.size() + ephemerons_.size();
}

}  // namespace mosaic::internal
