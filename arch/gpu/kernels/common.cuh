// Shared definitions of goft's GPU kernels. The Go package gpu concatenates
// this file and the .cu files beside it (in name order) into one program
// and compiles it with NVRTC at run time, with --fmad=false so that every
// expression is rounded exactly as the Go code that it mirrors: each kernel
// evaluates its formula in the same order of operations as that Go code.
//
// Layout (package mesh): a field of nr realizations is a flat array, theta
// fastest, index j + ntm*(k + npm*r); staggered arrays use their own sizes
// in the same order (vt: nt x npm, vp: ntm x np, corner coefficients:
// nt x np). Every integer kernel parameter is a 64-bit "long long" and every
// pointer and double is 8 bytes, so the host packs each argument in one
// 8-byte slot.

// Geo is the mesh: sizes and the 1D metric arrays (package mesh) that the
// kernels read. The Go side packs it field by field in this order
// (gpu.geoFields); a unit test checks that the two lists agree.
struct Geo {
    long long ntm;   // NThetaMain
    long long nt;    // NThetaHalf = ntm+1
    long long npm;   // NPhiMain
    long long np;    // NPhiHalf = npm
    long long nr;    // realizations
    const double* dth_half_inv; // DThetaHalfInv [nt]
    const double* dth_inv;      // DThetaInv [ntm]
    const double* dph_half_inv; // DPhiHalfInv [np]
    const double* dph_inv;      // DPhiInv [npm]
    const double* dph;          // DPhi [npm]
    const double* st_inv;       // SinThetaInv [ntm]
    const double* sth;          // SinThetaHalf [nt]
};

#define GOFT_TINY 2.2250738585072014e-308     /* mesh.SmallValue */
#define GOFT_MAXF 1.7976931348623157e+308     /* math.MaxFloat64 */
#define POLE_CHUNK 1024 /* ring-sum terms formed per pass by the pole-sum kernels */

// thread_index is the global 1D thread index.
__device__ __forceinline__ long long thread_index() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

// point_jkr splits a flat main-mesh index.
__device__ __forceinline__ void point_jkr(const Geo& g, long long i, int& j, int& k, int& r) {
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    long long c = i / ntm;
    j = (int)(i - c * ntm);
    r = (int)(c / npm);
    k = (int)(c - (long long)r * npm);
}

// periodic_col maps a phi column to the interior column whose values HipFT's
// two-point overlap copies into it (mesh.SetPeriodic): column 0 holds column
// n-2 and column n-1 holds column 1.
__device__ __forceinline__ int periodic_col(int k, int n) {
    if (k == 0) return n - 2;
    if (k == n - 1) return 1;
    return k;
}

// set_u64 stores two 64-bit words (reduction accumulators) before a
// reduction kernel runs.
extern "C" __global__ void set_u64(unsigned long long* p, unsigned long long a, unsigned long long b) {
    if (threadIdx.x == 0 && blockIdx.x == 0) {
        p[0] = a;
        p[1] = b;
    }
}

// Warp-level maximum and minimum of 64-bit keys. For non-negative doubles
// (and +Inf) the IEEE bit patterns order as unsigned integers, so maxima and
// minima of such values are exact reductions whatever the order.
__device__ __forceinline__ unsigned long long warp_max_u64(unsigned long long v) {
    for (int d = 16; d > 0; d >>= 1) {
        unsigned long long o = __shfl_down_sync(0xffffffffu, v, d);
        v = o > v ? o : v;
    }
    return v;
}

__device__ __forceinline__ unsigned long long warp_min_u64(unsigned long long v) {
    for (int d = 16; d > 0; d >>= 1) {
        unsigned long long o = __shfl_down_sync(0xffffffffu, v, d);
        v = o < v ? o : v;
    }
    return v;
}

// first_nonfinite stores in *first the smallest flat index of a NaN or Inf
// in f (run.cpuBackend.FirstNonFinite: v-v != 0); *first starts at n.
extern "C" __global__ void first_nonfinite(const double* __restrict__ f, long long n, unsigned long long* first) {
    long long i = thread_index();
    unsigned long long v = (unsigned long long)n;
    if (i < n) {
        double x = f[i];
        if (x - x != 0.0 || x != x) v = (unsigned long long)i;
    }
    v = warp_min_u64(v);
    if ((threadIdx.x & 31) == 0 && v < (unsigned long long)n) atomicMin(first, v);
}
