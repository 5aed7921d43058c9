// Advection: the flux-form operator of advection.Advector (upwind and
// CS-WENO3 fluxes, pole rows, periodic columns), the Runge-Kutta stage
// update, the Lax-Friedrichs alphas and the flow CFL reduction.
//
// One stage of advection.Advector.stage is three launches: adv_flux (all
// face fluxes from the stage input), adv_pole_sums (the pole-row sums of
// the theta fluxes in the CPU's serial order) and adv_update (the operator
// and the stage update at every point).

// WenoW mirrors advection.wenoWeights: the CS-WENO3 grid weights of one
// face, from the cell before it (A) and after it (B).
struct WenoW {
    double cmcA, ccpA, pTA, mcTA, epsA;
    double cmcB, ccpB, mTB, cpTB, epsB;
};

// upwind_flux mirrors advection.upwindFlux.
__device__ __forceinline__ double upwind_flux(double v, double fc, double fm, double upwind) {
    const double c = copysign(upwind, v);
    return v * 0.5 * ((1 - c) * fc + (1 + c) * fm);
}

// weno_flux mirrors advection.wenoFlux.
__device__ __forceinline__ double weno_flux(const WenoW& w, double nm2, double nm1, double n0, double pm1, double p0, double pp1) {
    const double p0m = (1 + w.cmcA) * nm1 - w.cmcA * nm2;
    const double p1m = w.cmcB * nm1 + w.ccpA * n0;
    const double p0p = (1 + w.ccpB) * p0 - w.ccpB * pp1;
    const double p1p = w.ccpA * p0 + w.cmcB * pm1;

    double b = w.cmcA * (nm1 - nm2);
    const double b0m = 4 * (b * b);
    b = w.ccpA * (n0 - nm1);
    const double b1m = 4 * (b * b);
    b = w.ccpB * (pp1 - p0);
    const double b0p = 4 * (b * b);
    b = w.cmcB * (p0 - pm1);
    const double b1p = 4 * (b * b);

    // The normalised nonlinear weights, multiplied through by both
    // (eps+beta)^2 factors: two divisions per face, as the Go code.
    double q0 = w.epsA + b0m;
    q0 *= q0;
    double q1 = w.epsA + b1m;
    q1 *= q1;
    double a0 = w.pTA * q1, a1 = w.mcTA * q0;
    const double um = (a0 * p0m + a1 * p1m) / (a0 + a1);
    q0 = w.epsB + b0p;
    q0 *= q0;
    q1 = w.epsB + b1p;
    q1 *= q1;
    a0 = w.mTB * q1;
    a1 = w.cpTB * q0;
    const double up = (a0 * p0p + a1 * p1p) / (a0 + a1);
    return up + um;
}

// adv_flux mirrors advection.Advector.fluxColumns: thread (j, k, r) with
// k = 1..npm-2 computes the theta flux at face j of column k (j =
// 1..ntm-1) and the phi flux at face k of row j (j = 1..ntm-2). weno
// selects CS-WENO3 (upwind at the faces next to the poles) over upwind.
extern "C" __global__ void adv_flux(Geo g, const double* __restrict__ in, const double* __restrict__ vt,
                                    const double* __restrict__ vp, const double* __restrict__ at,
                                    const double* __restrict__ ap, const WenoW* __restrict__ wT,
                                    const WenoW* __restrict__ wP, long long weno, double upwind,
                                    double* __restrict__ fluxT, double* __restrict__ fluxP) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    const int nk = npm - 2;
    long long i = thread_index();
    if (i >= (long long)ntm * nk * g.nr) return;
    const long long c = i / ntm;
    const int j = (int)(i - c * ntm);
    const int r = (int)(c / nk);
    const int k = (int)(c - (long long)r * nk) + 1;
    if (j == 0) return;

    const double* f = in + (long long)ntm * (k + (long long)npm * r);
    const double* fw = in + (long long)ntm * (k - 1 + (long long)npm * r);
    const double* vtc = vt + (long long)nt * (k + (long long)npm * r);
    const double* vpc = vp + (long long)ntm * (k + (long long)np * r);
    double* ft = fluxT + (long long)nt * (k + (long long)npm * r);
    double* fp = fluxP + (long long)ntm * (k + (long long)np * r);

    if (!weno) {
        ft[j] = upwind_flux(vtc[j], f[j], f[j - 1], upwind);
        if (j < ntm - 1) fp[j] = upwind_flux(vpc[j], f[j], fw[j], upwind);
        return;
    }

    // Theta flux: upwind next to the poles, CS-WENO3 inside.
    const double* atc = at + (long long)ntm * (k + (long long)npm * r);
    if (j == 1 || j == ntm - 1) {
        ft[j] = upwind_flux(vtc[j], f[j], f[j - 1], upwind);
    } else {
#define LN(q) (0.5 * f[q] * (vtc[q] + atc[q]))
#define LP(q) (0.5 * f[q] * (vtc[(q) + 1] - atc[q]))
        ft[j] = weno_flux(wT[j], LN(j - 2), LN(j - 1), LN(j), LP(j - 1), LP(j), LP(j + 1));
#undef LN
#undef LP
    }
    if (j >= ntm - 1) return;

    // Phi flux at face k; the split fluxes continue periodically (column -1
    // is npm-3, column npm-1 is 1).
    int km2 = k - 2, kp1 = k + 1;
    if (km2 < 0) km2 = npm - 3;
    if (kp1 > npm - 2) kp1 = 1;
#define FCOL(kk) (in + (long long)ntm * ((kk) + (long long)npm * r))
#define ACOL(kk) (ap + (long long)ntm * ((kk) + (long long)npm * r))
#define VCOL(kk) (vp + (long long)ntm * ((kk) + (long long)np * r))
    const double fA = FCOL(km2)[j], fB = fw[j], fC = f[j], fD = FCOL(kp1)[j];
    const double aA = ACOL(km2)[j], aB = ACOL(k - 1)[j], aC = ACOL(k)[j], aD = ACOL(kp1)[j];
    const double vA = VCOL(km2)[j], vB = VCOL(k - 1)[j], vC = vpc[j], vC1 = VCOL(k + 1)[j], vD1 = VCOL(kp1 + 1)[j];
#undef FCOL
#undef ACOL
#undef VCOL
    const double nm2 = 0.5 * fA * (vA + aA);
    const double nm1 = 0.5 * fB * (vB + aB);
    const double n0 = 0.5 * fC * (vC + aC);
    const double pm1 = 0.5 * fB * (vC - aB);
    const double p0 = 0.5 * fC * (vC1 - aC);
    const double pp1 = 0.5 * fD * (vD1 - aD);
    fp[j] = weno_flux(wP[k], nm2, nm1, n0, pm1, p0, pp1);
}

// adv_pole_sums mirrors the sums of advection.Advector.poleRealizations:
// block t (a grid of 2*nr blocks; realization t/2, north if t is even) sums
// ft*dp over k = 1..npm-2 at the first (last) interior theta face in the
// CPU's order (terms in parallel, added in order by thread 0); pole[t]
// receives the operator's pole-row value.
extern "C" __global__ void adv_pole_sums(Geo g, const double* __restrict__ fluxT, double pole_n, double pole_s,
                                         double* __restrict__ pole) {
    __shared__ double term[POLE_CHUNK];
    const int t = blockIdx.x;
    const int nt = (int)g.nt, npm = (int)g.npm;
    const int r = t / 2;
    const int face = (t & 1) == 0 ? 1 : nt - 2;
    double s = 0.0;
    for (int k0 = 1; k0 < npm - 1; k0 += POLE_CHUNK) {
        const int nk = min(POLE_CHUNK, npm - 1 - k0);
        for (int q = threadIdx.x; q < nk; q += blockDim.x) {
            const int k = k0 + q;
            term[q] = fluxT[(long long)nt * (k + (long long)npm * r) + face] * g.dph[k];
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            for (int q = 0; q < nk; q++) s = s + term[q];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) pole[t] = (t & 1) == 0 ? s * pole_n : -s * pole_s;
}

// adv_update mirrors advection.Advector.operatorColumns, poleRealizations
// and update: the operator A at every point (pole rows from adv_pole_sums,
// periodic columns from the columns they copy) and the stage update
//
//	out = x - c*A                (kind2 == 0)
//	out = ca*x + cb*y - c*A      (kind2 != 0)
//
// out may alias x or y (each point reads only its own values).
extern "C" __global__ void adv_update(Geo g, const double* __restrict__ fluxT, const double* __restrict__ fluxP,
                                      const double* __restrict__ pole, const double* x, const double* y,
                                      double ca, double cb, double c, long long kind2, double* out) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    long long i = thread_index();
    if (i >= (long long)ntm * npm * g.nr) return;
    const long long col = i / ntm;
    const int j = (int)(i - col * ntm);
    const int r = (int)(col / npm);
    const int k = periodic_col((int)(col - (long long)r * npm), npm);
    double aop;
    if (j == 0) {
        aop = pole[2 * r];
    } else if (j == ntm - 1) {
        aop = pole[2 * r + 1];
    } else {
        int kp = k + 1;
        if (kp == npm - 1) kp = 1; // periodic phi flux: face npm-1 is face 1
        const double* ft = fluxT + (long long)nt * (k + (long long)npm * r);
        const double* fpw = fluxP + (long long)ntm * (k + (long long)np * r);
        const double* fpe = fluxP + (long long)ntm * (kp + (long long)np * r);
        aop = (g.sth[j + 1] * ft[j + 1] - g.sth[j] * ft[j]) * g.st_inv[j] * g.dth_inv[j] +
              (fpe[j] - fpw[j]) * g.st_inv[j] * g.dph_inv[k];
    }
    if (kind2) {
        out[i] = ca * x[i] + cb * y[i] - c * aop;
    } else {
        out[i] = x[i] - c * aop;
    }
}

// adv_alpha mirrors advection.Advector.alphaColumns and the periodic copy
// of AlphaP in SetVelocity: at (j, k, r) of the main mesh, AlphaT from the
// widest |vt| stencil that fits and AlphaP (interior rows) from six phi
// faces wrapped through the overlap; AlphaP is 0 on the pole rows.
extern "C" __global__ void adv_alpha(Geo g, const double* __restrict__ vt, const double* __restrict__ vp,
                                     double* __restrict__ at, double* __restrict__ ap) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    long long i = thread_index();
    if (i >= (long long)ntm * npm * g.nr) return;
    const long long col = i / ntm;
    const int j = (int)(i - col * ntm);
    const int r = (int)(col / npm);
    const int k = (int)(col - (long long)r * npm);

    // AlphaT (the CPU writes rows 0, 1, 2..nt-4, nt-3, nt-2 in that order;
    // the last write wins on tiny meshes).
    const double* v = vt + (long long)nt * (k + (long long)npm * r);
    int lo, hi;
    if (j == nt - 2) {
        lo = nt - 4; hi = nt - 1;
    } else if (j == nt - 3) {
        lo = nt - 5; hi = nt - 1;
    } else if (j >= 2 && j <= nt - 4) {
        lo = j - 2; hi = j + 3;
    } else if (j == 1) {
        lo = 0; hi = 4;
    } else {
        lo = 0; hi = 3;
    }
    double a = fabs(v[lo]);
    for (int q = lo + 1; q <= hi; q++) a = fmax(a, fabs(v[q]));
    at[i] = a;

    // AlphaP.
    if (j == 0 || j == ntm - 1) {
        ap[i] = 0.0;
        return;
    }
    const int kk = periodic_col(k, npm);
    int cols[6];
    if (kk == 1) {
        cols[0] = np - 3; cols[1] = 0; cols[2] = 1; cols[3] = 2; cols[4] = 3; cols[5] = 4;
    } else if (kk == np - 3) {
        cols[0] = kk - 2; cols[1] = kk - 1; cols[2] = kk; cols[3] = kk + 1; cols[4] = kk + 2; cols[5] = 2;
    } else if (kk == np - 2) {
        cols[0] = kk - 2; cols[1] = kk - 1; cols[2] = kk; cols[3] = kk + 1; cols[4] = 2; cols[5] = 3;
    } else {
        for (int q = 0; q < 6; q++) cols[q] = kk - 2 + q;
    }
    double m = fabs(vp[(long long)ntm * (cols[0] + (long long)np * r) + j]);
    for (int q = 1; q < 6; q++) m = fmax(m, fabs(vp[(long long)ntm * (cols[q] + (long long)np * r) + j]));
    ap[i] = m;
}

// adv_cfl mirrors advection.Advector.cflColumns and StableDt's minimum: the
// smallest 0.5/max(kv, tiny) over the interior points, as bits into acc[0]
// (which must start at the bits of math.MaxFloat64; the values are
// positive, so the minimum is exact whatever the order).
extern "C" __global__ void adv_cfl(Geo g, const double* __restrict__ vt, const double* __restrict__ vp,
                                   unsigned long long* acc) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    long long i = thread_index();
    unsigned long long key = 0x7fefffffffffffffull;
    if (i < (long long)ntm * npm * g.nr) {
        const long long col = i / ntm;
        const int j = (int)(i - col * ntm);
        const int r = (int)(col / npm);
        const int k = (int)(col - (long long)r * npm);
        if (j >= 1 && j < ntm - 1 && k >= 1 && k < npm - 1) {
            const double* vtc = vt + (long long)nt * (k + (long long)npm * r);
            const double* vpw = vp + (long long)ntm * (k + (long long)np * r);
            const double* vpe = vp + (long long)ntm * (k + 1 + (long long)np * r);
            const double kv = fmax(fabs(vtc[j]), fabs(vtc[j + 1])) * g.dth_inv[j] +
                              fmax(fabs(vpw[j]), fabs(vpe[j])) * g.st_inv[j] * g.dph_inv[k];
            key = (unsigned long long)__double_as_longlong(0.5 / fmax(kv, GOFT_TINY));
        }
    }
    key = warp_min_u64(key);
    if ((threadIdx.x & 31) == 0 && key != 0x7fefffffffffffffull) atomicMin(acc, key);
}
