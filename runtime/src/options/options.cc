#include "mosaic/options.h"

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace mosaic {

namespace {

absl::Status Bad(absl::string_view key, absl::string_view value, absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat("bad value '", value, "' for GC option '", key,
                                                 "': expected ", expected));
}

bool ParseSize(absl::string_view text, size_t* out) {
  uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (absl::ascii_tolower(text.back())) {
      case 'k': multiplier = uint64_t{1} << 10; break;
      case 'm': multiplier = uint64_t{1} << 20; break;
      case 'g': multiplier = uint64_t{1} << 30; break;
      case 't': multiplier = uint64_t{1} << 40; break;
      default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
  }
  uint64_t n;
  if (!absl::SimpleAtoi(text, &n)) return false;
  if (n > UINT64_MAX / multiplier) return false;
  *out = n * multiplier;
  return true;
}

// A number from 0 to `max` (NaN and negative values are refused).
bool ParseNumberUpTo(absl::string_view text, double max, double* out) {
  double v;
  if (!absl::SimpleAtod(text, &v) || !(v >= 0.0) || v > max) return false;
  *out = v;
  return true;
}

bool ParseBool(absl::string_view text, bool* out) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") {
    *out = true;
    return true;
  }
  if (text == "0" || text == "false" || text == "no" || text == "off") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<HeapOptions> HeapOptions::Parse(absl::string_view text, HeapOptions base) {
  HeapOptions o = std::move(base);
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (item.find('=') == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("GC option '", key, "' needs a value (key=value)"));
    }
    size_t size;
    bool flag;
    uint64_t number;
    if (key == "heap-max") {
      if (!ParseSize(value, &size) || size == 0) return Bad(key, value, "a size such as 512M");
      o.heap_max = size;
    } else if (key == "heap-hint") {
      uint64_t hint;
      if (!absl::SimpleHexAtoi(value, &hint)) return Bad(key, value, "a hex address or 0");
      o.heap_hint = hint;
    } else if (key == "gc-min") {
      if (!ParseSize(value, &size)) return Bad(key, value, "a size such as 8M");
      o.gc_min = size;
    } else if (key == "gc-growth") {
      if (!ParseNumberUpTo(value, 1000.0, &o.gc_growth)) {
        return Bad(key, value, "a number from 0 to 1000");
      }
    } else if (key == "generational") {
      if (!ParseBool(value, &flag)) return Bad(key, value, "on or off");
      o.generational = flag;
    } else if (key == "nursery") {
      if (!ParseSize(value, &size) || size == 0) return Bad(key, value, "a size such as 16M");
      o.nursery = size;
    } else if (key == "promotion-limit") {
      if (!ParseNumberUpTo(value, 1000.0, &o.promotion_limit)) {
        return Bad(key, value, "a number from 0 to 1000");
      }
    } else if (key == "fragmentation-limit") {
      if (!ParseNumberUpTo(value, 1e6, &o.fragmentation_limit)) {
        return Bad(key, value, "a number from 0 to 1000000");
      }
    } else if (key == "markers") {
      int n;
      if (!absl::SimpleAtoi(value, &n) || n < 0 || n > 64) {
        return Bad(key, value, "a count from 1 to 64 (0: the online CPUs, at most 8)");
      }
      o.markers = n;
    } else if (key == "stress") {
      if (!absl::SimpleAtoi(value, &number)) return Bad(key, value, "a count (0: off)");
      o.stress = number;
    } else if (key == "verify") {
      if (!ParseBool(value, &flag)) return Bad(key, value, "0 or 1");
      o.verify = flag;
    } else if (key == "mark-stack") {
      if (!ParseSize(value, &size) || size == 0) return Bad(key, value, "a positive count");
      o.mark_stack = size;
    } else if (key == "blacklist") {
      if (!ParseBool(value, &flag)) return Bad(key, value, "0 or 1");
      o.blacklist = flag;
    } else if (key == "retain-blocks") {
      if (!absl::SimpleAtoi(value, &number)) return Bad(key, value, "a count");
      o.retain_blocks = number;
    } else if (key == "watchdog-action") {
      if (value == "warn") {
        o.watchdog_action = WatchdogAction::kWarn;
      } else if (value == "abort") {
        o.watchdog_action = WatchdogAction::kAbort;
      } else {
        return Bad(key, value, "warn or abort");
      }
    } else if (key == "watchdog-ms") {
      uint32_t ms;
      if (!absl::SimpleAtoi(value, &ms)) return Bad(key, value, "milliseconds (0: off)");
      o.watchdog_ms = ms;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown GC option '", key,
          "' (known: heap-max, heap-hint, gc-min, gc-growth, generational, nursery, promotion-limit, fragmentation-limit, markers, "
          "stress, verify, mark-stack, blacklist, retain-blocks, watchdog-ms, watchdog-action)"));
    }
  }
  absl::Status valid = o.Validate();
  if (!valid.ok()) return valid;
  return o;
}

int HeapOptions::EffectiveMarkers() const {
  if (markers > 0) return markers;
  unsigned cpus = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cpus, 1u, 8u));
}

absl::Status HeapOptions::Validate() const {
  if (markers < 0 || markers > 64) {
    return absl::InvalidArgumentError(
        absl::StrFormat("markers=%d is out of range: it must be from 0 (the online CPUs) to 64",
                        markers));
  }
  constexpr size_t kMinHeapMax = size_t{256} << 10;  // one block
  if (heap_max < kMinHeapMax || heap_max > kMaxHeapMax) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "heap-max=%u is out of range: it must be from 256K (one block) to 32T (the heap reserves "
        "twice heap-max of address space)",
        heap_max));
  }
  if (mark_stack < 1 || mark_stack > kMaxMarkStack) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "mark-stack=%u is out of range: it must be from 1 to 4G entries (it only sets how often "
        "marking falls back to rescanning; it never limits what can be marked)",
        mark_stack));
  }
  if (nursery < 1) return absl::InvalidArgumentError("nursery must be at least 1 byte");
  if (!(gc_growth >= 0.0) || gc_growth > 1000.0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("gc-growth=%g is out of range: it must be from 0 to 1000", gc_growth));
  }
  if (!(fragmentation_limit >= 0.0) || fragmentation_limit > 1e6) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "fragmentation-limit=%g is out of range: it must be from 0 to 1000000",
        fragmentation_limit));
  }
  if (!(promotion_limit >= 0.0) || promotion_limit > 1000.0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "promotion-limit=%g is out of range: it must be from 0 to 1000", promotion_limit));
  }
  return absl::OkStatus();
}

absl::StatusOr<HeapOptions> HeapOptions::FromEnvironment(HeapOptions base) {
  const char* text = std::getenv("MOSAIC_GC_OPTIONS");
  if (text == nullptr) return base;
  auto parsed = Parse(text, std::move(base));
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("MOSAIC_GC_OPTIONS: ", parsed.status().message()));
  }
  return parsed;
}

absl::StatusOr<HeapOptions> HeapOptions::Parse(absl::string_view text) {
  return Parse(text, HeapOptions());
}

absl::StatusOr<HeapOptions> HeapOptions::FromEnvironment() {
  return FromEnvironment(HeapOptions());
}

std::string HeapOptions::ToString() const {
  return absl::StrFormat(
      "heap-max=%u,heap-hint=%x,gc-min=%u,gc-growth=%g,generational=%s,nursery=%u,"
      "promotion-limit=%g,fragmentation-limit=%g,markers=%d,stress=%u,verify=%d,mark-stack=%u,"
      "blacklist=%d,retain-blocks=%u,watchdog-ms=%u,watchdog-action=%s",
      heap_max, heap_hint, gc_min, gc_growth, generational ? "on" : "off", nursery,
      promotion_limit, fragmentation_limit, markers, stress, verify ? 1 : 0, mark_stack,
      blacklist ? 1 : 0, retain_blocks, watchdog_ms,
      watchdog_action == WatchdogAction::kAbort ? "abort" : "warn");
}

}  // namespace mosaic
