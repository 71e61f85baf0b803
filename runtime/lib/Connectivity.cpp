//===- Connectivity.cpp - Deterministic connectivity builders -------------===//
//
// Part of the Cajal project: a compiler for brain models.
//
//===----------------------------------------------------------------------===//
//
// Every random draw is keyed by (seed, stream, row or column, draw index), so
// rows can be built in any order or in parallel with identical results.
// Builders whose row sizes are known first (all_to_all, one_to_one,
// fixed_outdegree, fixed_total after its cheap sequential row-count pass)
// fill their rows on builderThreads() threads; fixed_probability and
// fixed_indegree still run on one.
//
//===----------------------------------------------------------------------===//

#include "cajal/Runtime/Connectivity.h"

#include "ErrorImpl.h"
#include "Parallel.h"
#include "RandomImpl.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <unordered_set>
#include <vector>

using namespace cajal::runtime;

namespace {

/// Counter bits 56..63 name the purpose of a draw (see Connectivity.h).
constexpr uint64_t RowCountPurpose = uint64_t(1) << 56;
constexpr uint64_t NoExclusion = UINT64_MAX;

/// The allowed partners of one row (or column): the indices [0, count + 1)
/// minus `excluded` when a neuron must not connect to itself, else [0, count).
struct Allowed {
  uint64_t count;
  uint64_t excluded;

  /// Maps the t-th allowed index (0 <= t < count) to a partner index; it is
  /// monotone, so sorted draws stay sorted.
  uint64_t map(uint64_t t) const { return t >= excluded ? t + 1 : t; }
};

/// What the builders share: the two slices and whether autapses may form.
struct Shape {
  uint64_t numPre, numPost;
  bool samePopulation;
  uint64_t preBegin, postBegin;
  bool allowAutapses;

  /// The allowed partners of a neuron at global index `self` among the
  /// `count` neurons starting at global index `begin`.
  Allowed allowed(uint64_t self, uint64_t begin, uint64_t count) const {
    if (samePopulation && !allowAutapses && self >= begin &&
        self - begin < count)
      return {count - 1, self - begin};
    return {count, NoExclusion};
  }
  Allowed rowTargets(uint64_t i) const {
    return allowed(preBegin + i, postBegin, numPost);
  }
  Allowed columnSources(uint64_t j) const {
    return allowed(postBegin + j, preBegin, numPre);
  }
  /// Whether some row (some column) loses its own neuron: then the fewest
  /// allowed partners any row (column) has is one less than the slice size.
  bool anyExcluded() const {
    if (!samePopulation || allowAutapses)
      return false;
    return preBegin < postBegin + numPost && postBegin < preBegin + numPre;
  }
  /// Number of allowed (pre, post) pairs; false on overflow.
  bool allowedPairs(uint64_t &pairs) const {
    if (__builtin_mul_overflow(numPre, numPost, &pairs))
      return false;
    if (anyExcluded()) // Rows of the overlap each lose one target.
      pairs -= std::min(preBegin + numPre, postBegin + numPost) -
               std::max(preBegin, postBegin);
    return true;
  }
};

/// The key of one projection's draws.
struct Key {
  uint64_t seed;
  uint32_t stream;

  /// The d-th uniform index in [0, n) of row or column `entity`.
  uint64_t index(uint64_t entity, uint64_t d, uint64_t n) const {
    uint32_t out[4];
    randomBlock(seed, stream, entity, d, 0, out);
    return scaleToRange(bits64(out[0], out[1]), n);
  }
  /// The d-th uniform in [0, 1) of row `entity` (what cajal_uniform gives).
  double uniform(uint64_t entity, uint64_t d) const {
    uint32_t out[4];
    randomBlock(seed, stream, entity, d, 0, out);
    return unit53(out[0], out[1]);
  }
};

/// The arrays of a CSR under construction, released unless handed over.
class CsrArrays {
public:
  CsrArrays() = default;
  CsrArrays(const CsrArrays &) = delete;
  CsrArrays &operator=(const CsrArrays &) = delete;
  ~CsrArrays() {
    std::free(Offsets);
    std::free(Targets);
  }

  /// Allocates num_pre + 1 zeroed offsets and room for `capacity` targets.
  bool allocate(uint64_t numPre, uint64_t capacity) {
    if (numPre >= SIZE_MAX / sizeof(uint64_t) - 1)
      return false;
    Offsets = static_cast<uint64_t *>(
        std::calloc(size_t(numPre) + 1, sizeof(uint64_t)));
    return Offsets && reserve(capacity);
  }
  /// Makes room for `capacity` targets in all.
  bool reserve(uint64_t capacity) {
    if (capacity <= Capacity)
      return true;
    if (capacity > SIZE_MAX / sizeof(uint32_t))
      return false;
    auto *grown = static_cast<uint32_t *>(std::realloc(
        Targets, std::max<size_t>(1, capacity) * sizeof(uint32_t)));
    if (!grown)
      return false;
    Targets = grown;
    Capacity = capacity;
    return true;
  }
  /// Appends one target, growing by half when full.
  bool push(uint64_t target) {
    if (Size == Capacity && !reserve(Capacity + Capacity / 2 + 1024))
      return false;
    Targets[Size++] = uint32_t(target);
    return true;
  }

  uint64_t *offsets() { return Offsets; }
  uint32_t *targets() { return Targets; }
  uint64_t size() const { return Size; }
  void setSize(uint64_t size) { Size = size; }

  /// Hands the arrays to `out`, shrinking the targets to their size.
  void release(cajal_csr *out, const Shape &shape) {
    if (Size < Capacity && Size > 0)
      if (auto *shrunk = static_cast<uint32_t *>(
              std::realloc(Targets, size_t(Size) * sizeof(uint32_t))))
        Targets = shrunk;
    out->num_pre = shape.numPre;
    out->num_post = shape.numPost;
    out->num_synapses = Size;
    out->row_offsets = Offsets;
    out->targets = Targets;
    Offsets = nullptr;
    Targets = nullptr;
  }

private:
  uint64_t *Offsets = nullptr;
  uint32_t *Targets = nullptr;
  uint64_t Size = 0;
  uint64_t Capacity = 0;
};

/// Draws `k` partners of row or column `entity` among `allowed` into
/// `picked`, sorted. With `multapses`, draw d is index(entity, d, count);
/// without, Floyd's algorithm gives a uniform k-subset with exactly k draws:
/// draw d picks t in [0, count - k + d], taking count - k + d instead when t
/// was already picked. `marks` is scratch space reused between calls.
void drawPartners(const Key &key, uint64_t entity, Allowed allowed, uint64_t k,
                  bool multapses, std::vector<uint8_t> &marks,
                  std::vector<uint64_t> &picked) {
  picked.clear();
  const uint64_t n = allowed.count;
  if (multapses) {
    for (uint64_t d = 0; d < k; ++d)
      picked.push_back(key.index(entity, d, n));
  } else if (k == n) {
    for (uint64_t t = 0; t < n; ++t)
      picked.push_back(t);
  } else if (n <= (uint64_t(1) << 26) || k * 8 >= n) {
    // Dense enough for a byte per candidate.
    if (marks.size() < n)
      marks.resize(n);
    for (uint64_t d = 0; d < k; ++d) {
      const uint64_t j = n - k + d;
      uint64_t t = key.index(entity, d, j + 1);
      if (marks[t])
        t = j;
      marks[t] = 1;
      picked.push_back(t);
    }
    for (uint64_t t : picked)
      marks[t] = 0;
  } else {
    std::unordered_set<uint64_t> seen;
    seen.reserve(k);
    for (uint64_t d = 0; d < k; ++d) {
      const uint64_t j = n - k + d;
      uint64_t t = key.index(entity, d, j + 1);
      if (!seen.insert(t).second) {
        t = j;
        seen.insert(t);
      }
      picked.push_back(t);
    }
  }
  std::sort(picked.begin(), picked.end());
  for (uint64_t &t : picked)
    t = allowed.map(t);
}

//===----------------------------------------------------------------------===//
// Hypergeometric deviates for fixed_total without multapses.
//===----------------------------------------------------------------------===//

/// Loader's deviance term x ln(x / np) + np - x, computed without
/// cancellation when x is close to np.
double bd0(double x, double np) {
  if (std::fabs(x - np) < 0.1 * (x + np)) {
    double v = (x - np) / (x + np);
    double s = (x - np) * v;
    double ej = 2.0 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v;
      const double next = s + ej / (2 * j + 1);
      if (next == s)
        return next;
      s = next;
    }
    return s;
  }
  return x * std::log(x / np) + np - x;
}

/// The binomial probability of x successes out of n, by Loader's saddle-point
/// expansion ("Fast and accurate computation of binomial probabilities",
/// 2000), which stays accurate for counts in the billions.
double binomialPmf(double x, double n, double p, double q) {
  constexpr double Log2Pi = 1.83787706640934548356;
  if (p == 0.0)
    return x == 0.0 ? 1.0 : 0.0;
  if (q == 0.0)
    return x == n ? 1.0 : 0.0;
  if (x == 0.0)
    return n == 0.0  ? 1.0
           : p < 0.1 ? std::exp(-bd0(n, n * q) - n * p)
                     : std::exp(n * std::log(q));
  if (x == n)
    return q < 0.1 ? std::exp(-bd0(n, n * p) - n * q)
                   : std::exp(n * std::log(p));
  if (x < 0.0 || x > n)
    return 0.0;
  const double lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) -
                    bd0(x, n * p) - bd0(n - x, n * q);
  const double lf = Log2Pi + std::log(x) + std::log1p(-x / n);
  return std::exp(lc - 0.5 * lf);
}

/// P(X = x) for X ~ Hypergeometric(draws, good, total), as a ratio of
/// binomial probabilities (the form R's dhyper uses).
double hypergeometricPmf(double x, double draws, double good, double total) {
  const double p = draws / total, q = (total - draws) / total;
  return binomialPmf(x, good, p, q) *
         binomialPmf(draws - x, total - good, p, q) /
         binomialPmf(draws, total, p, q);
}

/// A Hypergeometric(draws, good, total) deviate from one uniform `u`, by
/// inversion that starts at the mode and alternates outwards ("chop-down"),
/// so its cost grows with the standard deviation only.
uint64_t hypergeometric(double u, uint64_t draws, uint64_t good,
                        uint64_t total) {
  const uint64_t bad = total - good;
  const uint64_t lo = draws > bad ? draws - bad : 0;
  const uint64_t hi = std::min(good, draws);
  if (lo == hi)
    return lo;
  const double n = double(draws), k = double(good), t = double(total);
  double modeEstimate = std::floor((n + 1.0) * (k + 1.0) / (t + 2.0));
  const uint64_t mode = std::clamp(uint64_t(modeEstimate), lo, hi);
  const double fMode = hypergeometricPmf(double(mode), n, k, t);
  u -= fMode;
  if (u <= 0.0)
    return mode;
  // Probabilities this far below the mode's carry no weight at 53 bits.
  const double negligible = fMode * 1e-30;
  uint64_t down = mode, up = mode;
  double fDown = fMode, fUp = fMode;
  while (down > lo || up < hi) {
    if (up < hi) {
      const double x = double(up);
      fUp *= (k - x) * (n - x) / ((x + 1.0) * (t - k - n + x + 1.0));
      ++up;
      u -= fUp;
      if (u <= 0.0)
        return up;
    }
    if (down > lo) {
      const double x = double(down);
      fDown *= x * (t - k - n + x) / ((k - x + 1.0) * (n - x + 1.0));
      --down;
      u -= fDown;
      if (u <= 0.0)
        return down;
    }
    if ((up == hi || fUp < negligible) && (down == lo || fDown < negligible))
      break; // Rounding left u above the total mass.
  }
  return mode;
}

//===----------------------------------------------------------------------===//
// Shared checks.
//===----------------------------------------------------------------------===//

/// Validates the arguments every builder shares and empties `out`.
int checkCommon(cajal_csr *out, const Shape &shape, const char *builder) {
  if (!out)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "%s: null output", builder);
  std::memset(out, 0, sizeof(*out));
  if (shape.numPost > (uint64_t(1) << 32))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "%s: %llu post-synaptic neurons exceed the 2^32 that 32-bit "
                "targets can index",
                builder, (unsigned long long)shape.numPost);
  return CAJAL_OK;
}

int outOfMemory(const char *builder) {
  return fail(CAJAL_ERROR_OUT_OF_MEMORY, "%s: out of memory", builder);
}

/// Runs a builder body, turning C++ allocation failures into a status code
/// (exceptions must not cross the C ABI).
template <typename Body> int guarded(const char *builder, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return outOfMemory(builder);
  } catch (...) {
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "%s: internal error", builder);
  }
}

/// Scratch space of one thread filling rows.
struct RowScratch {
  std::vector<uint8_t> marks;
  std::vector<uint64_t> picked;
};

/// Fills all rows whose sizes `count(i)` are known in advance with the
/// targets that `fill(i, row, scratch)` writes to `row`. The rows are split
/// over builderThreads() threads, each with its own scratch: every row's
/// draws are keyed by its index, so the table is the same for any count.
template <typename Count, typename Fill>
int buildKnownRows(cajal_csr *out, const Shape &shape, const char *builder,
                   Count count, Fill fill) {
  CsrArrays csr;
  if (!csr.allocate(shape.numPre, 0))
    return outOfMemory(builder);
  uint64_t *offsets = csr.offsets();
  for (uint64_t i = 0; i < shape.numPre; ++i)
    offsets[i + 1] = offsets[i] + count(i);
  const uint64_t total = offsets[shape.numPre];
  if (!csr.reserve(total))
    return outOfMemory(builder);
  // A thread per 2^16 synapses at most (starting one costs microseconds).
  const uint64_t threads =
      std::min<uint64_t>(builderThreads(), std::max<uint64_t>(1, total >> 16));
  uint32_t *targets = csr.targets();
  runInParts(unsigned(threads), [&](unsigned part, unsigned parts) {
    // Equal shares of synapses: the rows starting in this part's share.
    auto rowAt = [&](unsigned k) {
      const uint64_t synapse = total / parts * k + total % parts * k / parts;
      return uint64_t(std::lower_bound(offsets, offsets + shape.numPre,
                                       synapse) -
                      offsets);
    };
    RowScratch scratch;
    const uint64_t first = part == 0 ? 0 : rowAt(part);
    const uint64_t last = part + 1 == parts ? shape.numPre : rowAt(part + 1);
    for (uint64_t i = first; i < last; ++i)
      fill(i, targets + offsets[i], scratch);
  });
  csr.setSize(total);
  csr.release(out, shape);
  return CAJAL_OK;
}

} // namespace

//===----------------------------------------------------------------------===//
// Builders.
//===----------------------------------------------------------------------===//

extern "C" int cajal_connect_all_to_all(cajal_csr *out, uint64_t num_pre,
                                        uint64_t num_post, int same_population,
                                        uint64_t pre_begin, uint64_t post_begin,
                                        int allow_autapses) {
  const char *builder = "all_to_all";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  uint64_t pairs;
  if (!shape.allowedPairs(pairs) || pairs > SIZE_MAX / sizeof(uint32_t))
    return outOfMemory(builder);
  return guarded(builder, [&] {
    return buildKnownRows(
        out, shape, builder,
        [&](uint64_t i) { return shape.rowTargets(i).count; },
        [&](uint64_t i, uint32_t *row, RowScratch &) {
          const Allowed allowed = shape.rowTargets(i);
          for (uint64_t t = 0; t < allowed.count; ++t)
            row[t] = uint32_t(allowed.map(t));
        });
  });
}

extern "C" int cajal_connect_one_to_one(cajal_csr *out, uint64_t num_pre,
                                        uint64_t num_post, int same_population,
                                        uint64_t pre_begin, uint64_t post_begin,
                                        int allow_autapses) {
  const char *builder = "one_to_one";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  if (num_pre != num_post)
    return fail(CAJAL_ERROR_IMPOSSIBLE,
                "one_to_one: needs as many pre-synaptic as post-synaptic "
                "neurons, got %llu and %llu",
                (unsigned long long)num_pre, (unsigned long long)num_post);
  const bool dropAll =
      shape.samePopulation && !shape.allowAutapses && pre_begin == post_begin;
  return guarded(builder, [&] {
    return buildKnownRows(
        out, shape, builder, [&](uint64_t) { return dropAll ? 0 : 1; },
        [&](uint64_t i, uint32_t *row, RowScratch &) {
          if (!dropAll)
            row[0] = uint32_t(i);
        });
  });
}

extern "C" int cajal_connect_fixed_probability(
    cajal_csr *out, uint64_t num_pre, uint64_t num_post, int same_population,
    uint64_t pre_begin, uint64_t post_begin, int allow_autapses, double p,
    uint64_t seed, uint32_t stream) {
  const char *builder = "fixed_probability";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  if (!(p >= 0.0 && p <= 1.0))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "fixed_probability: p = %g is not a probability in [0, 1]", p);
  if (p == 1.0)
    return cajal_connect_all_to_all(out, num_pre, num_post, same_population,
                                    pre_begin, post_begin, allow_autapses);
  const Key key{seed, stream};
  const double logQ = std::log1p(-p);
  return guarded(builder, [&] {
    CsrArrays csr;
    // Expected size plus five standard deviations, so growth is rare.
    const double expected = p * double(num_pre) * double(num_post);
    const double guess = expected + 5.0 * std::sqrt(expected) + 16.0;
    if (!csr.allocate(num_pre, guess < 1e9 ? uint64_t(guess) : uint64_t(1e9)))
      return outOfMemory(builder);
    for (uint64_t i = 0; i < num_pre && p > 0.0; ++i) {
      const Allowed allowed = shape.rowTargets(i);
      uint64_t next = 0; // First candidate not yet skipped.
      for (uint64_t d = 0;; ++d) {
        const double gap = std::floor(std::log1p(-key.uniform(i, d)) / logQ);
        if (!(gap < double(allowed.count - next)))
          break;
        next += uint64_t(gap);
        if (!csr.push(allowed.map(next)))
          return outOfMemory(builder);
        ++next;
      }
      csr.offsets()[i + 1] = csr.size();
    }
    csr.release(out, shape);
    return int(CAJAL_OK);
  });
}

/// For fixed in- and out-degree: `k` partners for each of `neurons` neurons,
/// drawn from at least `fewest` allowed ones. Fails when that is impossible
/// or the table would not fit in memory.
static int checkDegree(const char *builder, uint64_t neurons, uint64_t fewest,
                       uint64_t k, bool multapses, const char *partners) {
  if (neurons > 0 && k > 0 && (multapses ? fewest == 0 : k > fewest))
    return fail(CAJAL_ERROR_IMPOSSIBLE,
                "%s: %llu %s per neuron requested but some neuron has only "
                "%llu allowed %s%s",
                builder, (unsigned long long)k, partners,
                (unsigned long long)fewest, partners,
                multapses ? "" : " and multapses are not allowed");
  uint64_t total;
  if (__builtin_mul_overflow(neurons, k, &total) ||
      total > SIZE_MAX / sizeof(uint32_t))
    return outOfMemory(builder);
  return CAJAL_OK;
}

extern "C" int cajal_connect_fixed_outdegree(
    cajal_csr *out, uint64_t num_pre, uint64_t num_post, int same_population,
    uint64_t pre_begin, uint64_t post_begin, int allow_autapses,
    int allow_multapses, uint64_t k, uint64_t seed, uint32_t stream) {
  const char *builder = "fixed_outdegree";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  if (int status = checkDegree(builder, num_pre,
                               num_post - (shape.anyExcluded() ? 1 : 0), k,
                               allow_multapses != 0, "targets"))
    return status;
  const Key key{seed, stream};
  return guarded(builder, [&] {
    return buildKnownRows(
        out, shape, builder, [&](uint64_t) { return k; },
        [&](uint64_t i, uint32_t *row, RowScratch &scratch) {
          drawPartners(key, i, shape.rowTargets(i), k, allow_multapses != 0,
                       scratch.marks, scratch.picked);
          std::copy(scratch.picked.begin(), scratch.picked.end(), row);
        });
  });
}

extern "C" int cajal_connect_fixed_indegree(
    cajal_csr *out, uint64_t num_pre, uint64_t num_post, int same_population,
    uint64_t pre_begin, uint64_t post_begin, int allow_autapses,
    int allow_multapses, uint64_t k, uint64_t seed, uint32_t stream) {
  const char *builder = "fixed_indegree";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  if (int status = checkDegree(builder, num_post,
                               num_pre - (shape.anyExcluded() ? 1 : 0), k,
                               allow_multapses != 0, "sources"))
    return status;
  const uint64_t total = num_post * k; // checkDegree rules out overflow.
  const Key key{seed, stream};
  const bool multapses = allow_multapses != 0;
  return guarded(builder, [&] {
    CsrArrays csr;
    if (!csr.allocate(num_pre, total))
      return outOfMemory(builder);
    std::vector<uint8_t> marks;
    std::vector<uint64_t> picked;
    // Two passes over the columns: count each row, then place the targets.
    // Redrawing a column costs less than keeping every source in memory, and
    // the counter-based draws make both passes see the same sources.
    uint64_t *offsets = csr.offsets();
    for (uint64_t j = 0; j < num_post; ++j) {
      drawPartners(key, j, shape.columnSources(j), k, multapses, marks, picked);
      for (uint64_t i : picked)
        ++offsets[i + 1];
    }
    for (uint64_t i = 0; i < num_pre; ++i)
      offsets[i + 1] += offsets[i];
    std::vector<uint64_t> cursor(offsets, offsets + num_pre);
    uint32_t *targets = csr.targets();
    // Columns in increasing order leave every row sorted.
    for (uint64_t j = 0; j < num_post; ++j) {
      drawPartners(key, j, shape.columnSources(j), k, multapses, marks, picked);
      for (uint64_t i : picked)
        targets[cursor[i]++] = uint32_t(j);
    }
    csr.setSize(total);
    csr.release(out, shape);
    return int(CAJAL_OK);
  });
}

extern "C" int cajal_connect_fixed_total(
    cajal_csr *out, uint64_t num_pre, uint64_t num_post, int same_population,
    uint64_t pre_begin, uint64_t post_begin, int allow_autapses,
    int allow_multapses, uint64_t n, uint64_t seed, uint32_t stream) {
  const char *builder = "fixed_total";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  uint64_t pairs;
  if (!shape.allowedPairs(pairs))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "fixed_total: %llu x %llu pairs overflow 64 bits",
                (unsigned long long)num_pre, (unsigned long long)num_post);
  if (n > 0 && (allow_multapses ? pairs == 0 : n > pairs))
    return fail(CAJAL_ERROR_IMPOSSIBLE,
                "fixed_total: %llu synapses requested but only %llu distinct "
                "pairs are allowed%s",
                (unsigned long long)n, (unsigned long long)pairs,
                allow_multapses ? "" : " and multapses are not allowed");
  if (n > SIZE_MAX / sizeof(uint32_t))
    return outOfMemory(builder);
  const Key key{seed, stream};
  const bool multapses = allow_multapses != 0;
  return guarded(builder, [&] {
    // Row counts: a multinomial (with multapses) or a multivariate
    // hypergeometric (without) over the rows' allowed pairs, drawn as a
    // chain of conditional one-row draws keyed by the row index.
    std::vector<uint64_t> counts(num_pre);
    uint64_t remaining = n, pairsLeft = pairs;
    for (uint64_t i = 0; i < num_pre && remaining > 0; ++i) {
      const uint64_t rowPairs = shape.rowTargets(i).count;
      counts[i] =
          multapses
              ? cajal_binomial(seed, stream, i, RowCountPurpose, remaining,
                               double(rowPairs) / double(pairsLeft))
              : hypergeometric(key.uniform(i, RowCountPurpose), remaining,
                               rowPairs, pairsLeft);
      remaining -= counts[i];
      pairsLeft -= rowPairs;
    }
    return buildKnownRows(
        out, shape, builder, [&](uint64_t i) { return counts[i]; },
        [&](uint64_t i, uint32_t *row, RowScratch &scratch) {
          drawPartners(key, i, shape.rowTargets(i), counts[i], multapses,
                       scratch.marks, scratch.picked);
          std::copy(scratch.picked.begin(), scratch.picked.end(), row);
        });
  });
}

extern "C" int cajal_connect_from_list(cajal_csr *out, uint64_t num_pre,
                                       uint64_t num_post, uint64_t count,
                                       const int64_t *pre,
                                       const int64_t *post) {
  const char *builder = "from_list";
  const Shape shape{num_pre, num_post, false, 0, 0, true};
  if (int status = checkCommon(out, shape, builder))
    return status;
  if (count > 0 && (!pre || !post))
    return fail(CAJAL_ERROR_INVALID_ARGUMENT, "from_list: null pair list");
  for (uint64_t k = 0; k < count; ++k)
    if (pre[k] < 0 || uint64_t(pre[k]) >= num_pre || post[k] < 0 ||
        uint64_t(post[k]) >= num_post)
      return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                  "from_list: pair %llu (%lld, %lld) is outside the %llu x "
                  "%llu neurons of the projection",
                  (unsigned long long)k, (long long)pre[k],
                  (long long)post[k], (unsigned long long)num_pre,
                  (unsigned long long)num_post);
  if (count > SIZE_MAX / sizeof(uint32_t))
    return outOfMemory(builder);
  return guarded(builder, [&] {
    // Counting sort by row, then each row's targets in order.
    CsrArrays csr;
    if (!csr.allocate(num_pre, count))
      return outOfMemory(builder);
    uint64_t *offsets = csr.offsets();
    for (uint64_t k = 0; k < count; ++k)
      ++offsets[size_t(pre[k]) + 1];
    for (uint64_t i = 0; i < num_pre; ++i)
      offsets[i + 1] += offsets[i];
    std::vector<uint64_t> cursor(offsets, offsets + num_pre);
    uint32_t *targets = csr.targets();
    for (uint64_t k = 0; k < count; ++k)
      targets[cursor[size_t(pre[k])]++] = uint32_t(post[k]);
    for (uint64_t i = 0; i < num_pre; ++i)
      std::sort(targets + offsets[i], targets + offsets[i + 1]);
    csr.setSize(count);
    csr.release(out, shape);
    return int(CAJAL_OK);
  });
}

extern "C" int cajal_connect_by_probability(
    cajal_csr *out, uint64_t num_pre, uint64_t num_post, int same_population,
    uint64_t pre_begin, uint64_t post_begin, int allow_autapses,
    cajal_row_probabilities probabilities, void *context, uint64_t seed,
    uint32_t stream) {
  const char *builder = "probability";
  const Shape shape{num_pre,   num_post,   same_population != 0,
                    pre_begin, post_begin, allow_autapses != 0};
  if (int status = checkCommon(out, shape, builder))
    return status;
  if (!probabilities)
    return fail(CAJAL_ERROR_INVALID_ARGUMENT,
                "probability: no probability function");
  const Key key{seed, stream};
  return guarded(builder, [&] {
    // Each part fills a contiguous share of rows into its own buffer (a
    // row's size is known only once its pairs are drawn); the buffers are
    // then copied into one table in row order.
    uint64_t pairs;
    if (__builtin_mul_overflow(num_pre, num_post, &pairs))
      pairs = UINT64_MAX;
    const unsigned threads = unsigned(std::min<uint64_t>(
        builderThreads(), std::max<uint64_t>(1, pairs >> 16)));
    std::vector<std::vector<uint32_t>> partTargets(threads);
    std::vector<uint64_t> rowSizes(num_pre);
    runInParts(threads, [&](unsigned part, unsigned parts) {
      const uint64_t first = num_pre * part / parts;
      const uint64_t last = num_pre * (part + 1) / parts;
      std::vector<double> p(num_post);
      std::vector<uint32_t> &mine = partTargets[part];
      for (uint64_t i = first; i < last; ++i) {
        if (num_post > 0)
          probabilities(context, pre_begin + i, post_begin,
                        post_begin + num_post, p.data());
        const size_t before = mine.size();
        const Allowed allowed = shape.rowTargets(i);
        for (uint64_t j = 0; j < num_post; ++j) {
          if (j == allowed.excluded)
            continue;
          // u < p without a draw where the answer is known.
          if (p[j] >= 1.0 || (p[j] > 0.0 && key.uniform(i, j) < p[j]))
            mine.push_back(uint32_t(j));
        }
        rowSizes[i] = mine.size() - before;
      }
    });
    CsrArrays csr;
    uint64_t total = 0;
    for (const std::vector<uint32_t> &part : partTargets)
      total += part.size();
    if (!csr.allocate(num_pre, total))
      return outOfMemory(builder);
    uint64_t *offsets = csr.offsets();
    for (uint64_t i = 0; i < num_pre; ++i)
      offsets[i + 1] = offsets[i] + rowSizes[i];
    uint32_t *targets = csr.targets();
    for (std::vector<uint32_t> &part : partTargets) {
      std::copy(part.begin(), part.end(), targets);
      targets += part.size();
      std::vector<uint32_t>().swap(part);
    }
    csr.setSize(total);
    csr.release(out, shape);
    return int(CAJAL_OK);
  });
}

extern "C" void cajal_csr_free(cajal_csr *csr) {
  if (!csr)
    return;
  std::free(csr->row_offsets);
  std::free(csr->targets);
  std::memset(csr, 0, sizeof(*csr));
}

extern "C" uint64_t cajal_csr_bytes(const cajal_csr *csr) {
  if (!csr || !csr->row_offsets)
    return 0;
  return (csr->num_pre + 1) * sizeof(uint64_t) +
         csr->num_synapses * sizeof(uint32_t);
}
