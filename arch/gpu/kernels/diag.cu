// History diagnostics (diag.Analyzer.Analyze) as deterministic device
// reductions: diag_partial reduces a fixed slice of each realization per
// block (each thread a fixed strided set of points, then a fixed tree), and
// diag_final reduces the blocks' partials in a fixed tree. Sums are in
// float64; their order differs from the CPU's serial order only in
// rounding (about 1e-15 relative). The host forms the statistics from the
// 16 reduced values (gpu.statsFrom).

#define DIAG_NV 16      /* reduced values per realization */
#define DIAG_THREADS 256 /* threads of diag_partial */

// diag_combine merges reduced value q of two partial results: minima for
// BrMin and |Br| min, maximum for BrMax, sums for the rest.
__device__ __forceinline__ double diag_combine(int q, double a, double b) {
    if (q == 0 || q == 2) return fmin(a, b);
    if (q == 1) return fmax(a, b);
    return a + b;
}

__device__ __forceinline__ void diag_identity(double* v) {
    v[0] = GOFT_MAXF;  // BrMin
    v[1] = GOFT_TINY;  // BrMax starts at mesh.SmallValue, as on the CPU
    v[2] = GOFT_MAXF;  // BrAbsMin
    for (int q = 3; q < DIAG_NV; q++) v[q] = 0.0;
}

// diag_tree reduces sh[q][0..n) (n a power of two) into sh[q][0].
__device__ __forceinline__ void diag_tree(double (*sh)[DIAG_THREADS], int n) {
    for (int s = n / 2; s > 0; s >>= 1) {
        __syncthreads();
        if ((int)threadIdx.x < s) {
            for (int q = 0; q < DIAG_NV; q++) sh[q][threadIdx.x] = diag_combine(q, sh[q][threadIdx.x], sh[q][threadIdx.x + s]);
        }
    }
    __syncthreads();
}

// diag_partial: block (b, r) of a (nb, nr) grid reduces the points
// p = b*256 + t + s*nb*256 of realization r (p = j + ntm*k over the columns
// k = 0..npm-2) into partial[(r*nb + b)*16 + q]:
//   0 min Br, 1 max Br, 2 min |Br|, 3 sum (Br-ref)^2, 4 sum |Br||ref|
//     (these five over the columns k = 0..npm-3, as Analyze),
//   5/6 positive/negative flux, 7/8 north cap flux, 9/10 south cap flux,
//   11/12 north/south cap area, 13/14 equatorial dipole sums, 15 axial
//   dipole sum (code units, before the factors).
// ref is read only when has_ref != 0 (else ref = Br, as for a nil ref).
extern "C" __global__ void diag_partial(Geo g, const double* __restrict__ f, const double* __restrict__ ref,
                                        long long has_ref, const double* __restrict__ area_t,
                                        const double* __restrict__ area_p, const double* __restrict__ theta,
                                        const double* __restrict__ sin_a, const double* __restrict__ cos_a,
                                        const double* __restrict__ cos_p, const double* __restrict__ sin_p,
                                        double pole_limit, double lim_s, double* __restrict__ partial) {
    __shared__ double sh[DIAG_NV][DIAG_THREADS];
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    const int r = blockIdx.y;
    const long long base = (long long)ntm * npm * r;
    const long long npts = (long long)ntm * (npm - 1);
    double v[DIAG_NV];
    diag_identity(v);
    for (long long p = (long long)blockIdx.x * DIAG_THREADS + threadIdx.x; p < npts; p += (long long)gridDim.x * DIAG_THREADS) {
        const int k = (int)(p / ntm);
        const int j = (int)(p - (long long)k * ntm);
        const double br = f[base + p];
        if (k < npm - 2) {
            if (br < v[0]) v[0] = br;
            if (br > v[1]) v[1] = br;
            const double a = fabs(br);
            if (a < v[2]) v[2] = a;
            const double gr = has_ref ? ref[base + p] : br;
            const double d = br - gr;
            v[3] += d * d;
            v[4] += fabs(br) * fabs(gr);
        }
        const double dap = area_p[k];
        const double dat = area_t[j];
        const double fv = br * dat * dap;
        if (fv > 0) {
            v[5] += fv;
        } else {
            v[6] += fv;
        }
        const double t = theta[j];
        if (t <= pole_limit) {
            if (fv > 0) {
                v[7] += fv;
            } else {
                v[8] += fv;
            }
            v[11] += dat * dap;
        }
        if (t >= lim_s) {
            if (fv > 0) {
                v[9] += fv;
            } else {
                v[10] += fv;
            }
            v[12] += dat * dap;
        }
        v[13] += br * sin_a[j] * cos_p[k] * dat * dap;
        v[14] += br * sin_a[j] * sin_p[k] * dat * dap;
        v[15] += br * cos_a[j] * dat * dap;
    }
    for (int q = 0; q < DIAG_NV; q++) sh[q][threadIdx.x] = v[q];
    diag_tree(sh, DIAG_THREADS);
    if (threadIdx.x < DIAG_NV) {
        partial[((long long)r * gridDim.x + blockIdx.x) * DIAG_NV + threadIdx.x] = sh[threadIdx.x][0];
    }
}

// diag_final: block r reduces the nb partials of realization r (nb <= 256,
// a power of two) into out[r*16 + q].
extern "C" __global__ void diag_final(const double* __restrict__ partial, long long nb, double* __restrict__ out) {
    __shared__ double sh[DIAG_NV][DIAG_THREADS];
    const int r = blockIdx.x;
    double v[DIAG_NV];
    diag_identity(v);
    if ((long long)threadIdx.x < nb) {
        for (int q = 0; q < DIAG_NV; q++) v[q] = partial[((long long)r * nb + threadIdx.x) * DIAG_NV + q];
    }
    for (int q = 0; q < DIAG_NV; q++) sh[q][threadIdx.x] = v[q];
    diag_tree(sh, DIAG_THREADS);
    if (threadIdx.x < DIAG_NV) out[(long long)r * DIAG_NV + threadIdx.x] = sh[threadIdx.x][0];
}
