// A CPU emulator of the CUDA subset goft's kernels use, for testing them on
// machines without a GPU (gpu/emu_test.go). The test compiles this file
// with the embedded kernels and a generated kernel table (EMU_KERNELS) and
// drives it over stdin/stdout: allocate, copy, launch. Every GPU thread of
// a block is a ucontext coroutine; __syncthreads and warp shuffles switch
// between them, so blocks behave as on a GPU (blocks run one after the
// other). A kernel whose first launch reached no barrier runs its threads
// as plain calls from then on (emu_barrier_free). Kernels run in plain C++
// with the host's IEEE double arithmetic (compiled with -ffp-contract=off).
//
// The schedule is the first argument: "forward" runs the blocks of a grid,
// and the threads of a block between two barriers, in index order;
// "reverse" in the opposite order; "shuffle:SEED" in a new pseudo-random
// order for every grid and every barrier interval (the default,
// "shuffle:1"). A GPU guarantees no order, so a kernel whose result
// depends on it (a data race between threads or blocks) gives different
// bits under different schedules. The test builds it with AddressSanitizer
// and UndefinedBehaviorSanitizer where the compiler can, so that an
// out-of-bounds access in a kernel stops the emulator with a report.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include <ucontext.h>
#include <algorithm>

struct dim3 { unsigned x, y, z; };
static dim3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

static ucontext_t emu_sched;
static std::vector<ucontext_t> emu_ctx;
static int emu_cur;
static volatile int emu_returned; // cleared by a thread that stops at a barrier

// emu_direct: the kernel running is known to have no barrier, and its
// threads are plain calls (see emu_launch); emu_barrier_seen: a thread of
// the launch has reached a barrier.
static bool emu_direct, emu_barrier_seen;
static const char* emu_kernel_name = "";

// __syncthreads: back to the scheduler, which resumes every thread of the
// block once all have reached the barrier.
static void __syncthreads() {
    if (emu_direct) {
        fprintf(stderr, "emu: kernel %s reached a barrier, though its first launch did not; "
                        "the emulator cannot run it as plain calls\n", emu_kernel_name);
        abort();
    }
    emu_barrier_seen = true;
    emu_returned = 0;
    swapcontext(&emu_ctx[emu_cur], &emu_sched);
}

static unsigned long long emu_warp[1024];
static unsigned long long __shfl_down_sync(unsigned, unsigned long long v, int d) {
    emu_warp[threadIdx.x] = v;
    __syncthreads();
    unsigned lane = threadIdx.x & 31;
    unsigned long long r = lane + d < 32 ? emu_warp[threadIdx.x + d] : v;
    __syncthreads();
    return r;
}
static unsigned long long atomicMax(unsigned long long* p, unsigned long long v) { unsigned long long o = *p; if (v > o) *p = v; return o; }
static unsigned long long atomicMin(unsigned long long* p, unsigned long long v) { unsigned long long o = *p; if (v < o) *p = v; return o; }
static long long __double_as_longlong(double x) { long long v; memcpy(&v, &x, 8); return v; }
static double __longlong_as_double(long long x) { double v; memcpy(&v, &x, 8); return v; }
using std::min;
using std::fabs; using std::fmax; using std::fmin; using std::copysign; using std::tanh;

#include "kernels_all.inc"

template <class T> T emu_conv(uint64_t v, const Geo* g) {
    if constexpr (std::is_same_v<T, Geo>) {
        return *g;
    } else if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(v);
    } else {
        T x;
        memcpy(&x, &v, sizeof x);
        return x;
    }
}
template <class... A, size_t... I> void emu_invoke(void (*f)(A...), const uint64_t* a, const Geo* g, std::index_sequence<I...>) {
    f(emu_conv<A>(a[I], g)...);
}
template <class... A> void emu_call(void (*f)(A...), const uint64_t* a, const Geo* g) {
    emu_invoke(f, a, g, std::index_sequence_for<A...>{});
}

typedef void (*emu_fn)(const uint64_t*, const Geo*);
static std::map<std::string, emu_fn> emu_table = {
#define K(name) {#name, [](const uint64_t* a, const Geo* g) { emu_call(name, a, g); }},
    EMU_KERNELS
#undef K
};

static emu_fn emu_kernel;
static const uint64_t* emu_args;
static const Geo* emu_geo;
static void emu_thread() { emu_kernel(emu_args, emu_geo); }

// The schedule (see the top of this file).
enum emu_order_kind { EMU_FORWARD, EMU_REVERSE, EMU_SHUFFLE };
static emu_order_kind emu_order = EMU_SHUFFLE;
static uint64_t emu_rng = 1;

// emu_next is splitmix64.
static uint64_t emu_next() {
    uint64_t z = (emu_rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// emu_permute sets p to 0..n-1 in the schedule's order.
static void emu_permute(std::vector<unsigned>& p, unsigned n) {
    p.resize(n);
    for (unsigned i = 0; i < n; i++) p[i] = emu_order == EMU_REVERSE ? n - 1 - i : i;
    if (emu_order == EMU_SHUFFLE) {
        for (unsigned i = n; i > 1; i--) std::swap(p[i - 1], p[emu_next() % i]);
    }
}

static bool emu_set_order(const char* s) {
    if (strcmp(s, "forward") == 0) { emu_order = EMU_FORWARD; return true; }
    if (strcmp(s, "reverse") == 0) { emu_order = EMU_REVERSE; return true; }
    if (strncmp(s, "shuffle:", 8) == 0) {
        char* end;
        emu_rng = strtoull(s + 8, &end, 10);
        emu_order = EMU_SHUFFLE;
        return *end == 0 && end != s + 8;
    }
    return false;
}

// emu_barrier_free records, by kernel name, whether the kernel's first
// launch reached no barrier: later launches of such a kernel run each
// thread as a plain call, in the schedule's order, without the coroutines'
// context switches (a barrier reached then stops the emulator).
static std::map<std::string, bool> emu_barrier_free;

static std::vector<std::vector<char>> emu_stacks;
static void emu_launch(const std::string& name, emu_fn fn, unsigned gx, unsigned gy, unsigned nthreads, const uint64_t* args, const Geo* g) {
    emu_kernel = fn; emu_args = args; emu_geo = g;
    emu_kernel_name = name.c_str();
    gridDim = {gx, gy, 1};
    blockDim = {nthreads, 1, 1};
    std::vector<unsigned> blocks, order;
    auto known = emu_barrier_free.find(name);
    if (known != emu_barrier_free.end() && known->second) {
        emu_direct = true;
        emu_permute(blocks, gx * gy);
        for (unsigned b : blocks) {
            blockIdx = {b % gx, b / gx, 0};
            emu_permute(order, nthreads);
            for (unsigned t : order) {
                threadIdx = {t, 0, 0};
                emu_thread();
            }
        }
        emu_direct = false;
        return;
    }
    emu_barrier_seen = false;
    emu_ctx.resize(nthreads);
    emu_stacks.resize(nthreads);
    for (auto& s : emu_stacks) s.resize(64 * 1024);
    std::vector<char> done(nthreads);
    emu_permute(blocks, gx * gy);
    for (unsigned b : blocks) {
        blockIdx = {b % gx, b / gx, 0};
        for (unsigned t = 0; t < nthreads; t++) {
            getcontext(&emu_ctx[t]);
            emu_ctx[t].uc_stack.ss_sp = emu_stacks[t].data();
            emu_ctx[t].uc_stack.ss_size = emu_stacks[t].size();
            emu_ctx[t].uc_link = &emu_sched;
            makecontext(&emu_ctx[t], emu_thread, 0);
            done[t] = 0;
        }
        // Each round runs every live thread up to its next barrier (or its
        // end), in the schedule's order. A thread that returns comes back
        // through uc_link with emu_returned still set; one that reaches a
        // barrier clears it.
        unsigned left = nthreads;
        while (left > 0) {
            emu_permute(order, nthreads);
            for (unsigned t : order) {
                if (done[t]) continue;
                emu_cur = t;
                threadIdx = {t, 0, 0};
                emu_returned = 1;
                swapcontext(&emu_sched, &emu_ctx[t]);
                if (emu_returned) { done[t] = 1; left--; }
            }
        }
    }
    if (known == emu_barrier_free.end()) emu_barrier_free[name] = !emu_barrier_seen;
}

#ifndef EMU_SHARED_LIB // the pipe-driven program (fakecuda.cpp builds a library instead)
static bool rd(void* p, size_t n) { return fread(p, 1, n, stdin) == n; }
static void wr(const void* p, size_t n) { fwrite(p, 1, n, stdout); }
static void ok() { uint8_t s = 0; wr(&s, 1); }
static void fail(const std::string& m) { uint8_t s = 1; uint32_t n = m.size(); wr(&s, 1); wr(&n, 4); wr(m.data(), n); }

// emu_race_demo is not a goft kernel: its threads read a neighbour's
// shared slot without a barrier, so its result depends on the schedule (the
// test of the schedules launches it).
__global__ void emu_race_demo(double* out) {
    __shared__ double slot[1024];
    slot[threadIdx.x] = threadIdx.x + 1;
    out[threadIdx.x] = slot[(threadIdx.x + 1) % blockDim.x];
}

// emu_barrier_later is not a goft kernel either: it reaches a barrier only
// when sync is 1, so a launch with 1 after one with 0 must stop the
// emulator (the test of the plain-call mode launches it).
__global__ void emu_barrier_later(long long sync) {
    if (sync) __syncthreads();
}

int main(int argc, char** argv) {
    if (argc > 1 && !emu_set_order(argv[1])) {
        fprintf(stderr, "emu: bad schedule %s (forward, reverse or shuffle:SEED)\n", argv[1]);
        return 2;
    }
    emu_table["emu_race_demo"] = [](const uint64_t* a, const Geo* g) { emu_call(emu_race_demo, a, g); };
    emu_table["emu_barrier_later"] = [](const uint64_t* a, const Geo* g) { emu_call(emu_barrier_later, a, g); };
    for (;;) {
        uint8_t op;
        if (!rd(&op, 1) || op == 'Q') return 0;
        if (op == 'P') {
            ok();
        } else if (op == 'A') {
            uint64_t n; rd(&n, 8);
            void* p = calloc(n ? n : 8, 1);
            uint64_t v = (uint64_t)p; ok(); wr(&v, 8);
        } else if (op == 'F') {
            uint64_t p; rd(&p, 8); free((void*)p); ok();
        } else if (op == 'H') {
            uint64_t d, n; rd(&d, 8); rd(&n, 8); rd((void*)d, n); ok();
        } else if (op == 'D') {
            uint64_t s, n; rd(&s, 8); rd(&n, 8); ok(); wr((void*)s, n);
        } else if (op == 'C') {
            uint64_t d, s, n; rd(&d, 8); rd(&s, 8); rd(&n, 8); memmove((void*)d, (void*)s, n); ok();
        } else if (op == 'L') {
            uint32_t nl; rd(&nl, 4); std::string name(nl, 0); rd(&name[0], nl);
            uint32_t gx, gy, nt, na; rd(&gx, 4); rd(&gy, 4); rd(&nt, 4); rd(&na, 4);
            std::vector<uint64_t> a(na + 1); rd(a.data(), 8 * na);
            Geo g; rd(&g, sizeof g);
            auto it = emu_table.find(name);
            if (it == emu_table.end()) { fail("no kernel " + name); }
            else { emu_launch(name, it->second, gx, gy, nt, a.data(), &g); ok(); }
        } else {
            fail("bad op");
            return 1;
        }
        fflush(stdout);
    }
}
#endif // EMU_SHARED_LIB
