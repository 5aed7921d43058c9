// Data assimilation: assim.Assimilator.ApplyBlend on the device field. The
// host prepares the map (the scaled observations and each realization's
// weights, map layout: phi fastest, npm-1 columns); the increment, its
// flux balance and the update run here, with the CPU's bits.

#define ASM_CHUNK 1024 /* flux terms formed per pass by asm_balance */

// asm_delta is the increment of realization r at every point of the
// realization (ApplyBlend step 4): d = w*(obs - f) (or w*obs with add) at
// the point's map column, the ghost columns taking their images' values.
extern "C" __global__ void asm_delta(Geo g, const double* __restrict__ f, const double* __restrict__ obs,
                                     const double* __restrict__ w, long long r, long long add, double* __restrict__ d) {
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    const long long i = thread_index();
    if (i >= (long long)ntm * npm) return;
    const int j = (int)(i % ntm), k = periodic_col((int)(i / ntm), npm);
    const int q = k + (npm - 1) * j;
    const long long base = (long long)ntm * npm * r;
    const double v = add ? w[q] * obs[q] : w[q] * (obs[q] - f[base + (long long)ntm * k + j]);
    d[base + i] = v;
}

// asm_balance is diag.Flux and the ratio of diag.BalanceFlux for the
// increment of realization blockIdx.x: the positive and negative fluxes
// d*AreaTheta[j]*AreaPhi[k] over the columns k < npm-1, added by thread 0
// in the CPU's order (k outer, j inner); scale[2r] = 0 when they cancel
// exactly (no scaling), else scale[2r] = 1 and scale[2r+1] =
// sqrt(|pos/neg|).
extern "C" __global__ void asm_balance(Geo g, const double* __restrict__ d, const double* __restrict__ area_t,
                                       const double* __restrict__ area_p, double* __restrict__ scale) {
    __shared__ double term[ASM_CHUNK];
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    const int r = blockIdx.x;
    const double* dr = d + (long long)ntm * npm * r;
    const long long n = (long long)ntm * (npm - 1);
    double pos = 0.0, neg = 0.0;
    for (long long p0 = 0; p0 < n; p0 += ASM_CHUNK) {
        const int np = (int)min((long long)ASM_CHUNK, n - p0);
        for (int q = threadIdx.x; q < np; q += blockDim.x) {
            const long long p = p0 + q;
            const int j = (int)(p % ntm), k = (int)(p / ntm);
            term[q] = dr[p] * area_t[j] * area_p[k];
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            for (int q = 0; q < np; q++) {
                const double v = term[q];
                if (v > 0) {
                    pos += v;
                } else {
                    neg += v;
                }
            }
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        if (pos + neg == 0) {
            scale[2 * r] = 0;
        } else {
            scale[2 * r] = 1;
            scale[2 * r + 1] = sqrt(fabs(pos / neg));
        }
    }
}

// asm_update is ApplyBlend steps 5-6 at every point: the increment at the
// point's periodic image, flux balanced when balance is set (positive
// values divided by the ratio, the others multiplied), added to f there:
// out = f + d, so that the ghost columns get their images' sums.
extern "C" __global__ void asm_update(Geo g, const double* __restrict__ f, const double* __restrict__ d,
                                      const double* __restrict__ scale, long long balance, double* __restrict__ out) {
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    const long long i = thread_index();
    if (i >= g.ntm * g.npm * g.nr) return;
    int j, k, r;
    point_jkr(g, i, j, k, r);
    const long long ip = (long long)ntm * (periodic_col(k, npm) + (long long)npm * r) + j;
    double v = d[ip];
    if (balance && scale[2 * r] != 0) {
        const double ratio = scale[2 * r + 1];
        v = v > 0 ? v / ratio : v * ratio;
    }
    out[i] = f[ip] + v;
}
