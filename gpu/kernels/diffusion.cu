// Diffusion: the 5-point operator L of diffusion.Operator and the FE,
// RKL2/RKG2 stage updates and PTL reductions of diffusion.Stepper.
//
// The stencil weights are formed on the fly from the corner coefficients
// (diffusion.NewOperator's formulas, same order of operations), which moves
// fewer bytes than reading the four stored weight arrays and gives the same
// bits. The pole rows need ring sums over a whole realization, so every
// use of L is two launches: diff_pole_sums (the sums, in the CPU's serial
// order, one block per realization and pole), then a pointwise kernel.

// diff_pole_sums mirrors diffusion.Operator.applyPoles: block t (a grid of
// 2*nr blocks; realization t/2, north pole if t is even) sums
// (D0+D1)*(x1-x0)*dp over k = 1..npm-2 in the CPU's serial order and
// stores the pole-row value of L(x) in pole[t]. The terms are formed in
// parallel, POLE_CHUNK at a time, and added by thread 0 in order.
extern "C" __global__ void diff_pole_sums(Geo g, const double* __restrict__ coef, const double* __restrict__ x,
                                          double pole_north, double pole_south, double* __restrict__ pole) {
    __shared__ double term[POLE_CHUNK];
    const int t = blockIdx.x;
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    const int r = t / 2;
    const bool north = (t & 1) == 0;
    const double* d = coef + (long long)nt * np * r;
    const double* xr = x + (long long)ntm * npm * r;
    double s = 0.0;
    for (int k0 = 1; k0 < npm - 1; k0 += POLE_CHUNK) {
        const int nk = min(POLE_CHUNK, npm - 1 - k0);
        for (int q = threadIdx.x; q < nk; q += blockDim.x) {
            const int k = k0 + q;
            if (north) {
                term[q] = (d[0 + nt * k] + d[1 + nt * k]) * (xr[1 + ntm * k] - xr[0 + ntm * k]) * g.dph[k];
            } else {
                term[q] = (d[nt - 2 + nt * k] + d[nt - 1 + nt * k]) * (xr[ntm - 1 + ntm * k] - xr[ntm - 2 + ntm * k]) * g.dph[k];
            }
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            for (int q = 0; q < nk; q++) s += term[q];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) pole[t] = north ? s * pole_north : -s * pole_south;
}

// diff_L is L(x) at point (j,k,r) (diffusion.Operator.Apply): the pole rows
// from diff_pole_sums, the periodic columns from the interior column they
// copy, the interior from the 5-point stencil (applyColumns) with the
// weights of NewOperator. When dconst is not null the coefficient of
// realization r is the constant dconst[r] (the corner array is not read;
// 0.5*(D+D) is exactly D, so the weights are the same bits, as in
// diffusion's factored weights).
__device__ __forceinline__ double diff_L(const Geo& g, const double* __restrict__ coef, const double* __restrict__ dconst,
                                         const double* __restrict__ x, const double* __restrict__ pole, int j, int k, int r) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    if (j == 0) return pole[2 * r];
    if (j == ntm - 1) return pole[2 * r + 1];
    k = periodic_col(k, npm);
    double djk, dj1k, djk1, dj1k1;
    if (dconst) {
        djk = dj1k = djk1 = dj1k1 = dconst[r];
    } else {
        const double* d = coef + (long long)nt * np * r;
        djk = d[j + nt * k];
        dj1k = d[j + 1 + nt * k];
        djk1 = d[j + nt * (k + 1)];
        dj1k1 = d[j + 1 + nt * (k + 1)];
    }
    const double sti = g.st_inv[j];
    const double c1 = 0.5 * (djk + dj1k) * g.dph_half_inv[k] * g.dph_inv[k] * sti * sti;
    const double c2 = 0.5 * (djk + djk1) * g.dth_half_inv[j] * g.dth_inv[j] * sti * g.sth[j];
    const double c4 = 0.5 * (dj1k + dj1k1) * g.dth_half_inv[j + 1] * g.dth_inv[j] * sti * g.sth[j + 1];
    const double c5 = 0.5 * (djk1 + dj1k1) * g.dph_half_inv[k + 1] * g.dph_inv[k] * sti * sti;
    const double c3 = -(c1 + c2 + c4 + c5);
    const long long b = (long long)ntm * (k + (long long)npm * r) + j;
    return c1 * x[b - ntm] + c2 * x[b - 1] + c3 * x[b] + c4 * x[b + 1] + c5 * x[b + ntm];
}

// point_jkr splits a flat main-mesh index.
__device__ __forceinline__ void point_jkr(const Geo& g, long long i, int& j, int& k, int& r) {
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    long long c = i / ntm;
    j = (int)(i - c * ntm);
    r = (int)(c / npm);
    k = (int)(c - (long long)r * npm);
}

// diff_fe is one forward Euler substep out = f + h*L(f) (Stepper.stepFE and
// feUpdate); out must not alias f.
extern "C" __global__ void diff_fe(Geo g, const double* __restrict__ coef, const double* __restrict__ dconst, const double* __restrict__ f,
                                   const double* __restrict__ pole, double h, double* __restrict__ out) {
    long long i = thread_index();
    if (i >= g.ntm * g.npm * g.nr) return;
    int j, k, r;
    point_jkr(g, i, j, k, r);
    const double l = diff_L(g, coef, dconst, f, pole, j, k, r);
    out[i] = f[i] + h * l;
}

// diff_sts_init is Stepper.stsInit: y0 = tau*L(f) and the first stage
// u1 = f + ub1*y0 (the stages before, u0 and U0, are f itself).
extern "C" __global__ void diff_sts_init(Geo g, const double* __restrict__ coef, const double* __restrict__ dconst, const double* __restrict__ f,
                                         const double* __restrict__ pole, double tau, double ub1,
                                         double* __restrict__ y0, double* __restrict__ u1) {
    long long i = thread_index();
    if (i >= g.ntm * g.npm * g.nr) return;
    int j, k, r;
    point_jkr(g, i, j, k, r);
    const double l = diff_L(g, coef, dconst, f, pole, j, k, r);
    const double y = tau * l;
    y0[i] = y;
    u1[i] = f[i] + ub1 * y;
}

// diff_sts_stage is Stepper.stsStage: stage j of RKL2/RKG2,
// out = u*U(j-1) + v*U(j-2) + w*u0 + ubtau*L(U(j-1)) + g*y0, summed left to
// right. pole holds the pole sums of U(j-1). out may alias u2 (each point
// reads its own u2 value only) but not u1.
extern "C" __global__ void diff_sts_stage(Geo g, const double* __restrict__ coef, const double* __restrict__ dconst, const double* u1,
                                          const double* u2, const double* __restrict__ u0,
                                          const double* __restrict__ y0, const double* __restrict__ pole,
                                          double cu, double cv, double cw, double ubtau, double cg, double* out) {
    long long i = thread_index();
    if (i >= g.ntm * g.npm * g.nr) return;
    int j, k, r;
    point_jkr(g, i, j, k, r);
    const double l = diff_L(g, coef, dconst, u1, pole, j, k, r);
    out[i] = cu * u1[i] + cv * u2[i] + cw * u0[i] + ubtau * l + cg * y0[i];
}

// diff_apply_amax is the first half of Stepper.PTL: af = L(f) at every
// point, and acc[0] = the bits of max |af| over the points where |f| >
// 1e-14 (exact whatever the order: non-negative doubles order as their
// bits). acc[0] must start at 0.
extern "C" __global__ void diff_apply_amax(Geo g, const double* __restrict__ coef, const double* __restrict__ dconst, const double* __restrict__ f,
                                           const double* __restrict__ pole, double* __restrict__ af,
                                           unsigned long long* acc) {
    long long i = thread_index();
    unsigned long long key = 0;
    if (i < g.ntm * g.npm * g.nr) {
        int j, k, r;
        point_jkr(g, i, j, k, r);
        const double l = diff_L(g, coef, dconst, f, pole, j, k, r);
        af[i] = l;
        const double a = fabs(l);
        if (fabs(f[i]) > 1e-14 && a > 0.0) key = __double_as_longlong(a);
    }
    key = warp_max_u64(key);
    if ((threadIdx.x & 31) == 0 && key != 0) atomicMax(acc, key);
}

// diff_ptl_min is the second half of Stepper.PTL: at the interior points
// where |af| equals the maximum acc[0] (and |f| > 1e-14), the smallest
// -du/da over the four neighbours with du*da < -1e-14, into acc[1] (bits;
// it must start at the bits of math.MaxFloat64). All candidates are
// positive, so the minimum is exact whatever the order.
extern "C" __global__ void diff_ptl_min(Geo g, const double* __restrict__ f, const double* __restrict__ af,
                                        unsigned long long* acc) {
    const double small = 1e-14;
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    long long i = thread_index();
    unsigned long long key = 0x7fefffffffffffffull; // math.MaxFloat64
    if (i < g.ntm * g.npm * g.nr) {
        int j, k, r;
        point_jkr(g, i, j, k, r);
        const double amax = __longlong_as_double((long long)acc[0]);
        if (j >= 1 && j < ntm - 1 && k >= 1 && k < npm - 1 && fabs(af[i]) == amax && fabs(f[i]) > small) {
            double ptl = GOFT_MAXF;
            const long long nb[4] = {i - 1, i + 1, i - ntm, i + ntm};
            for (int q = 0; q < 4; q++) {
                const double du = f[i] - f[nb[q]];
                const double da = af[i] - af[nb[q]];
                if (du * da < -small) ptl = fmin(-du / da, ptl);
            }
            key = (unsigned long long)__double_as_longlong(ptl);
        }
    }
    key = warp_min_u64(key);
    if ((threadIdx.x & 31) == 0 && key != 0x7fefffffffffffffull) atomicMin(acc + 1, key);
}
