// GMP's mpn add and multiply against a straightforward schoolbook limb loop of our own, at a
// few sizes: the measurement behind "GMP or our own bignums" in docs/design/bignums.md.
//
//   build/bench/numbers/bignum_limbs [rounds]     (default 15 rounds)
//
// For each size and operation the two implementations run interleaved (GMP, ours, GMP, ours,
// ... one timed batch each per round), so that frequency changes and other load on the machine
// hit both alike; each batch is timed in process CPU time (CLOCK_PROCESS_CPUTIME_ID) and the
// median batch per implementation is reported as nanoseconds per operation. Both compute the
// same result on the same random operands (checked before timing).
#include <gmp.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

using Limb = mp_limb_t;

// r[0..n) = a + b, returns the carry out.
Limb SchoolbookAdd(Limb* r, const Limb* a, const Limb* b, size_t n) {
  Limb carry = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned __int128 s = static_cast<unsigned __int128>(a[i]) + b[i] + carry;
    r[i] = static_cast<Limb>(s);
    carry = static_cast<Limb>(s >> 64);
  }
  return carry;
}

// r[0..2n) = a * b: the O(n^2) row-by-row product.
void SchoolbookMul(Limb* r, const Limb* a, const Limb* b, size_t n) {
  std::fill(r, r + 2 * n, 0);
  for (size_t i = 0; i < n; ++i) {
    Limb carry = 0;
    for (size_t j = 0; j < n; ++j) {
      unsigned __int128 t = static_cast<unsigned __int128>(a[i]) * b[j] + r[i + j] + carry;
      r[i + j] = static_cast<Limb>(t);
      carry = static_cast<Limb>(t >> 64);
    }
    r[i + n] = carry;
  }
}

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

volatile Limb sink;  // keeps the results alive

template <typename F>
double TimeBatch(F f, long reps) {
  double start = CpuSeconds();
  for (long i = 0; i < reps; ++i) f();
  return (CpuSeconds() - start) / static_cast<double>(reps) * 1e9;  // ns per operation
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
  if (rounds < 1) rounds = 1;
  std::mt19937_64 rng(20261206);
  std::printf("%-6s %-4s %14s %14s %8s\n", "limbs", "op", "gmp ns/op", "schoolbook", "ratio");
  for (size_t n : {1, 4, 16, 64, 1000}) {
    std::vector<Limb> a(n), b(n), r1(2 * n), r2(2 * n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = rng();
      b[i] = rng();
    }
    // Same results first.
    Limb c1 = mpn_add_n(r1.data(), a.data(), b.data(), static_cast<mp_size_t>(n));
    Limb c2 = SchoolbookAdd(r2.data(), a.data(), b.data(), n);
    if (c1 != c2 || !std::equal(r1.begin(), r1.begin() + n, r2.begin())) {
      std::fprintf(stderr, "add results differ at %zu limbs\n", n);
      return 1;
    }
    mpn_mul_n(r1.data(), a.data(), b.data(), static_cast<mp_size_t>(n));
    SchoolbookMul(r2.data(), a.data(), b.data(), n);
    if (r1 != r2) {
      std::fprintf(stderr, "mul results differ at %zu limbs\n", n);
      return 1;
    }
    // Batches of about a millisecond or more: reps scale with the work per operation.
    long add_reps = static_cast<long>(2'000'000 / n) + 1;
    long mul_reps = static_cast<long>(20'000'000 / (n * n)) + 1;
    std::vector<double> gmp_add, own_add, gmp_mul, own_mul;
    for (int round = 0; round < rounds; ++round) {
      gmp_add.push_back(TimeBatch(
          [&] { sink = mpn_add_n(r1.data(), a.data(), b.data(), static_cast<mp_size_t>(n)); },
          add_reps));
      own_add.push_back(TimeBatch([&] { sink = SchoolbookAdd(r2.data(), a.data(), b.data(), n); },
                                  add_reps));
      gmp_mul.push_back(TimeBatch(
          [&] {
            mpn_mul_n(r1.data(), a.data(), b.data(), static_cast<mp_size_t>(n));
            sink = r1[n];
          },
          mul_reps));
      own_mul.push_back(TimeBatch(
          [&] {
            SchoolbookMul(r2.data(), a.data(), b.data(), n);
            sink = r2[n];
          },
          mul_reps));
    }
    double ga = Median(gmp_add), oa = Median(own_add), gm = Median(gmp_mul), om = Median(own_mul);
    std::printf("%-6zu %-4s %14.1f %14.1f %8.2f\n", n, "add", ga, oa, oa / ga);
    std::printf("%-6zu %-4s %14.1f %14.1f %8.2f\n", n, "mul", gm, om, om / gm);
  }
  return 0;
}
