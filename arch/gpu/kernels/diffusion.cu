// Diffusion: the 5-point operator L of diffusion.Operator and the FE,
// RKL2/RKG2 stage updates and PTL reductions of diffusion.Stepper.
//
// The stencil weights are formed on the fly from the corner coefficients
// (diffusion.NewOperator's formulas, same order of operations), which moves
// fewer bytes than reading the four stored weight arrays and gives the same
// bits. The pole rows need ring sums over a whole realization, so every
// use of L is two launches: diff_pole_sums (the sums, in the CPU's serial
// order, one block per realization and pole), then a pointwise kernel. The
// RKL2/RKG2 stages after the first are instead advanced several at a time
// by diff_sts_block (below), which forms the ring sums itself.

// ring_sum is the pole-row ring sum of diffusion.Operator.applyPoles for
// realization coefficients d (corner array): the sum over k = 1..npm-2 of
// (D0+D1)*(x1-x0)*dph[k], where x(j,k) = x[j + stride*k] and (x0, x1) are
// rows (0, 1) at the north pole, (last-1, last) at the south. The terms are
// formed by all threads, chunk at a time in term (shared), and added by
// thread 0 in the CPU's order; the result is thread 0's.
__device__ __forceinline__ double ring_sum(const Geo& g, const double* __restrict__ d, const double* x, long long stride,
                                           int last, bool north, double* term, int chunk) {
    const int nt = (int)g.nt, npm = (int)g.npm;
    double s = 0.0;
    for (int k0 = 1; k0 < npm - 1; k0 += chunk) {
        const int nk = min(chunk, npm - 1 - k0);
        for (int q = threadIdx.x; q < nk; q += blockDim.x) {
            const int k = k0 + q;
            if (north) {
                term[q] = (d[0 + nt * k] + d[1 + nt * k]) * (x[1 + stride * k] - x[0 + stride * k]) * g.dph[k];
            } else {
                term[q] = (d[nt - 2 + nt * k] + d[nt - 1 + nt * k]) * (x[last + stride * k] - x[last - 1 + stride * k]) * g.dph[k];
            }
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            for (int q = 0; q < nk; q++) s += term[q];
        }
        __syncthreads();
    }
    return s;
}

// diff_pole_sums mirrors diffusion.Operator.applyPoles: block t (a grid of
// 2*nr blocks; realization t/2, north pole if t is even) forms the ring
// sum of x (ring_sum) and stores the pole-row value of L(x) in pole[t].
extern "C" __global__ void diff_pole_sums(Geo g, const double* __restrict__ coef, const double* __restrict__ x,
                                          double pole_north, double pole_south, double* __restrict__ pole) {
    __shared__ double term[POLE_CHUNK];
    const int t = blockIdx.x;
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    const int r = t / 2;
    const bool north = (t & 1) == 0;
    const double s = ring_sum(g, coef + (long long)nt * np * r, x + (long long)ntm * npm * r, ntm, ntm - 1, north, term, POLE_CHUNK);
    if (threadIdx.x == 0) pole[t] = north ? s * pole_north : -s * pole_south;
}

// diff_weights forms the five stencil weights of L at the interior point
// (j,k,r), k an interior column (1..npm-2), with the formulas of
// NewOperator in the same order of operations. When dconst is not null the
// coefficient of realization r is the constant dconst[r] (the corner array
// is not read; 0.5*(D+D) is exactly D, so the weights are the same bits, as
// in diffusion's factored weights).
__device__ __forceinline__ void diff_weights(const Geo& g, const double* __restrict__ coef, const double* __restrict__ dconst,
                                             int j, int k, int r, double& c1, double& c2, double& c3, double& c4, double& c5) {
    const int nt = (int)g.nt, np = (int)g.np;
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
    c1 = 0.5 * (djk + dj1k) * g.dph_half_inv[k] * g.dph_inv[k] * sti * sti;
    c2 = 0.5 * (djk + djk1) * g.dth_half_inv[j] * g.dth_inv[j] * sti * g.sth[j];
    c4 = 0.5 * (dj1k + dj1k1) * g.dth_half_inv[j + 1] * g.dth_inv[j] * sti * g.sth[j + 1];
    c5 = 0.5 * (djk1 + dj1k1) * g.dph_half_inv[k + 1] * g.dph_inv[k] * sti * sti;
    c3 = -(c1 + c2 + c4 + c5);
}

// diff_stencil is the 5-point sum of applyColumns, added left to right:
// xw and xe are the point's phi neighbours (k-1, k+1), xn and xs its theta
// neighbours (j-1, j+1), xc the point itself.
__device__ __forceinline__ double diff_stencil(double c1, double c2, double c3, double c4, double c5,
                                               double xw, double xn, double xc, double xs, double xe) {
    return c1 * xw + c2 * xn + c3 * xc + c4 * xs + c5 * xe;
}

// diff_L is L(x) at point (j,k,r) (diffusion.Operator.Apply): the pole rows
// from diff_pole_sums, the periodic columns from the interior column they
// copy, the interior from the 5-point stencil (applyColumns) with the
// weights of NewOperator.
__device__ __forceinline__ double diff_L(const Geo& g, const double* __restrict__ coef, const double* __restrict__ dconst,
                                         const double* __restrict__ x, const double* __restrict__ pole, int j, int k, int r) {
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    if (j == 0) return pole[2 * r];
    if (j == ntm - 1) return pole[2 * r + 1];
    k = periodic_col(k, npm);
    double c1, c2, c3, c4, c5;
    diff_weights(g, coef, dconst, j, k, r, c1, c2, c3, c4, c5);
    const long long b = (long long)ntm * (k + (long long)npm * r) + j;
    return diff_stencil(c1, c2, c3, c4, c5, x[b - ntm], x[b - 1], x[b], x[b + 1], x[b + ntm]);
}

// sts_combine is a stage's point update (Stepper.stsStage), added left to
// right: u*U(j-1) + v*U(j-2) + w*u0 + ubtau*L(U(j-1)) + g*y0.
__device__ __forceinline__ double sts_combine(double cu, double u1, double cv, double u2, double cw, double u0,
                                              double ubtau, double l, double cg, double y0) {
    return cu * u1 + cv * u2 + cw * u0 + ubtau * l + cg * y0;
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
    out[i] = sts_combine(cu, u1[i], cv, u2[i], cw, u0[i], ubtau, l, cg, y0[i]);
}

// ---- Several STS stages per launch (temporal blocking) ----
//
// diff_sts_block advances ns <= STS_HALO consecutive stages k0..k0+ns-1 of
// one super step in a single launch, so that each stage no longer streams
// its five arrays through memory. It gives the bits of ns launches of
// diff_pole_sums + diff_sts_stage: every point is computed by the same
// formula from the same values, and the pole rows from ring sums in the
// CPU's serial order.
//
// The mesh rows are split three ways. Rows [STS_HALO, ntm-STS_HALO) are cut
// into tiles; a tile block loads U(k0-1) and U(k0-2) on its tile and a halo
// of STS_HALO rows and columns around it, and computes stage after stage on
// a region that shrinks by one point on each side per stage (a trapezoid),
// so that after ns stages its own points are exact. Tiles never compute a
// pole row: their first row is at least STS_HALO-ns+1 >= 1. The polar caps
// (rows [0,STS_HALO) and [ntm-STS_HALO,ntm)) of each realization are done by
// one cap block each, over the whole ring (every phi column) and 2*STS_HALO
// rows, in a scratch area of global memory: at each stage the block first
// forms the ring sum of the pole row (thread 0 adds the terms in the CPU's
// order), then the stage on its shrinking trapezoid of rows.
//
// Columns: tiles work on the ring of the npm-2 interior columns (ring
// column q is mesh column q+1) and carry the two ghost columns where the
// ring closes (sts_tile); the caps compute every column as diff_sts_stage
// does. Neither assumes the field periodic in phi.
//
// Stage coefficients: stc[5*k+0..4] = u, v, 1-u-v, ub, g of stage k (ub is
// multiplied by tau here, as the host does for diff_sts_stage). Outputs:
// out1 = U(k0+ns-1), out2 = U(k0+ns-2) (for ns = 1 a copy of u1); neither
// may alias an input. cap is scratch of 2*nr*3*(2*STS_HALO)*npm doubles.
// Blocks: 2*nr cap blocks first (so that they start early), then nr tile
// grids of ceil((ntm-2*STS_HALO)/STS_OWN_J) x ceil((npm-2)/STS_OWN_K) tiles;
// STS_THREADS threads each.

// The shape may be set at compile time (gpu.Options.STSShape passes -D
// options to NVRTC); these are the defaults.
#ifndef STS_HALO
#define STS_HALO 4 /* most stages per diff_sts_block launch; halo width */
#endif
#ifndef STS_TILE_J
#define STS_TILE_J 64 /* rows (theta) of a tile with its halos */
#endif
#ifndef STS_TILE_K
#define STS_TILE_K 32 /* columns (phi) of a tile with its halos */
#endif
#define STS_THREADS 256 /* threads of a diff_sts_block block */
#define STS_OWN_J (STS_TILE_J - 2 * STS_HALO)
#define STS_OWN_K (STS_TILE_K - 2 * STS_HALO)
#define STS_PTS (STS_TILE_J * STS_TILE_K / STS_THREADS) /* tile points per thread */

// sts_cap is the cap block of realization r at the north (or south) pole.
__device__ __forceinline__ void sts_cap(const Geo& g, const double* __restrict__ coef, const double* __restrict__ dconst,
                        const double* __restrict__ u1, const double* __restrict__ u2, const double* __restrict__ u0,
                        const double* __restrict__ y0, const double* __restrict__ stc, int k0, int ns, double tau,
                        double pole_north, double pole_south, double* cap, double* __restrict__ out1,
                        double* __restrict__ out2, int r, bool north, double* sh, double* pole_value) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm, np = (int)g.np;
    const int R = 2 * STS_HALO;         // cap rows
    const int lo = north ? 0 : ntm - R; // first mesh row of the cap
    const int npts = R * npm;
    const long long base = (long long)ntm * npm * r;
    // Three levels, rotated: cur = U(s-1), old = U(s-2), nxt = U(s).
    double* cur = cap + (long long)npts * (3 * (2 * r + (north ? 0 : 1)));
    double* old = cur + npts;
    double* nxt = old + npts;
    for (int p = threadIdx.x; p < npts; p += blockDim.x) {
        const int jr = p % R, k = p / R;
        const long long i = base + (long long)ntm * k + lo + jr;
        cur[p] = u1[i];
        old[p] = u2[i];
    }
    __syncthreads();
    const double* d = coef + (long long)nt * np * r;
    for (int s = 1; s <= ns; s++) {
        // The ring sum of U(s-1) (as diff_pole_sums).
        const double sum = ring_sum(g, d, cur, R, R - 1, north, sh, STS_TILE_J * STS_TILE_K);
        if (threadIdx.x == 0) *pole_value = north ? sum * pole_north : -sum * pole_south;
        __syncthreads();
        const double pv = *pole_value;
        const int ks = k0 + s - 1;
        const double cu = stc[5 * ks], cv = stc[5 * ks + 1], cw = stc[5 * ks + 2], ubtau = stc[5 * ks + 3] * tau, cg = stc[5 * ks + 4];
        // Rows still exact after stage s: [0, R-s) at the north, [s, R) at the south.
        const int jr0 = north ? 0 : s, jr1 = north ? R - s : R;
        for (int p = threadIdx.x; p < npts; p += blockDim.x) {
            const int jr = p % R, k = p / R;
            if (jr < jr0 || jr >= jr1) continue;
            const int j = lo + jr;
            double l;
            if (j == 0 || j == ntm - 1) {
                l = pv;
            } else {
                const int kp = periodic_col(k, npm);
                double c1, c2, c3, c4, c5;
                diff_weights(g, coef, dconst, j, kp, r, c1, c2, c3, c4, c5);
                const int c = jr + R * kp;
                l = diff_stencil(c1, c2, c3, c4, c5, cur[c - R], cur[c - 1], cur[c], cur[c + 1], cur[c + R]);
            }
            const long long i = base + (long long)ntm * k + j;
            nxt[p] = sts_combine(cu, cur[p], cv, old[p], cw, u0[i], ubtau, l, cg, y0[i]);
        }
        __syncthreads();
        double* t = old;
        old = cur;
        cur = nxt;
        nxt = t;
    }
    // The cap's own rows: [0, STS_HALO) at the north, [R-STS_HALO, R) at the south.
    const int own0 = north ? 0 : R - STS_HALO;
    for (int p = threadIdx.x; p < STS_HALO * npm; p += blockDim.x) {
        const int jr = own0 + p % STS_HALO, k = p / STS_HALO;
        const long long i = base + (long long)ntm * k + lo + jr;
        out1[i] = cur[jr + R * k];
        out2[i] = old[jr + R * k];
    }
}

// sts_tile is the tile block t (0-based, realization-major) of the interior
// rows. Its columns are consecutive columns of the ring of interior
// columns; where the ring closes (mesh column npm-2 next to column 1) the
// tile keeps the two ghost columns beside them, in ghost[0] (column 0) and
// ghost[1] (column npm-1), because the mesh's stencils read them there:
// column npm-2's east neighbour is column npm-1, column 1's west neighbour
// is column 0. Each ghost column is updated with its own values and the L
// of the column it copies (column 0 with L at npm-2, column npm-1 with L
// at 1), as diff_sts_stage does, so the field need not be periodic (the
// file source leaves column npm-1 without source: HipFT's quirk). The ring
// must be at least STS_TILE_K columns, so that a tile meets it once.
__device__ __forceinline__ void sts_tile(const Geo& g, const double* __restrict__ coef, const double* __restrict__ dconst,
                         const double* __restrict__ u1, const double* __restrict__ u2, const double* __restrict__ u0,
                         const double* __restrict__ y0, const double* __restrict__ stc, int k0, int ns, double tau,
                         double* __restrict__ out1, double* __restrict__ out2, int t, double* sh, double (*ghost)[STS_TILE_J]) {
    const int ntm = (int)g.ntm, npm = (int)g.npm;
    const int P = npm - 2; // interior columns
    const int ntj = (ntm - 2 * STS_HALO + STS_OWN_J - 1) / STS_OWN_J;
    const int ntk = (P + STS_OWN_K - 1) / STS_OWN_K;
    const int r = t / (ntj * ntk);
    const int tj = (t - r * ntj * ntk) % ntj, tk = (t - r * ntj * ntk) / ntj;
    const int a = STS_HALO + tj * STS_OWN_J;            // first own row
    const int nown = min(STS_OWN_J, ntm - STS_HALO - a); // own rows
    const int ej0 = a - STS_HALO;                       // first tile row (>= 0)
    const int ejn = min(STS_TILE_J, ntm - ej0);         // tile rows inside the mesh
    const int c = tk * STS_OWN_K;                       // first own ring column
    const int kown = min(STS_OWN_K, P - c);             // own columns
    const int c0 = (c - STS_HALO + P) % P;              // ring column of tile column 0
    const int kkA = (P - 1 - c0 + P) % P;               // tile column of mesh column npm-2 (>= STS_TILE_K: absent)
    const int kkB = (P - c0) % P;                       // tile column of mesh column 1
    const long long base = (long long)ntm * npm * r;
    const int jj = threadIdx.x % STS_TILE_J, kk0 = threadIdx.x / STS_TILE_J;
    const int kstep = STS_THREADS / STS_TILE_J;
    const int j = ej0 + jj;
    const long long iG0 = base + j, iG1 = base + (long long)ntm * (npm - 1) + j; // the ghost points of row j
    int kp[STS_PTS];       // mesh column of each of the thread's points
    double m2[STS_PTS];    // U(s-2) at the thread's points
    double w0[STS_PTS];    // u0
    double wy[STS_PTS];    // y0
    double nw[STS_PTS];    // U(s), before it replaces U(s-1) in shared memory
    // The ghost points of row j, kept by the thread that has column npm-2
    // (ghost 0) or column 1 (ghost 1) of the row.
    double gm2[2] = {0, 0}, gw0[2] = {0, 0}, gwy[2] = {0, 0}, gnw[2] = {0, 0};
#pragma unroll
    for (int q = 0; q < STS_PTS; q++) {
        const int kk = kk0 + kstep * q;
        kp[q] = (c0 + kk) % P + 1;
        if (jj < ejn) {
            const long long i = base + (long long)ntm * kp[q] + j;
            sh[kk * STS_TILE_J + jj] = u1[i];
            m2[q] = u2[i];
            w0[q] = u0[i];
            wy[q] = y0[i];
            if (kk == kkA) {
                ghost[0][jj] = u1[iG0];
                gm2[0] = u2[iG0];
                gw0[0] = u0[iG0];
                gwy[0] = y0[iG0];
            }
            if (kk == kkB) {
                ghost[1][jj] = u1[iG1];
                gm2[1] = u2[iG1];
                gw0[1] = u0[iG1];
                gwy[1] = y0[iG1];
            }
        }
    }
    __syncthreads();
    for (int s = 1; s <= ns; s++) {
        const int ks = k0 + s - 1;
        const double cu = stc[5 * ks], cv = stc[5 * ks + 1], cw = stc[5 * ks + 2], ubtau = stc[5 * ks + 3] * tau, cg = stc[5 * ks + 4];
        const bool rowOK = jj >= s && jj < ejn - s;
#pragma unroll
        for (int q = 0; q < STS_PTS; q++) {
            const int kk = kk0 + kstep * q;
            if (rowOK && kk >= s && kk < STS_TILE_K - s) {
                double c1, c2, c3, c4, c5;
                diff_weights(g, coef, dconst, j, kp[q], r, c1, c2, c3, c4, c5);
                const int e = kk * STS_TILE_J + jj;
                const double west = kk == kkB ? ghost[0][jj] : sh[e - STS_TILE_J];
                const double east = kk == kkA ? ghost[1][jj] : sh[e + STS_TILE_J];
                const double l = diff_stencil(c1, c2, c3, c4, c5, west, sh[e - 1], sh[e], sh[e + 1], east);
                nw[q] = sts_combine(cu, sh[e], cv, m2[q], cw, w0[q], ubtau, l, cg, wy[q]);
                if (kk == kkA) gnw[0] = sts_combine(cu, ghost[0][jj], cv, gm2[0], cw, gw0[0], ubtau, l, cg, gwy[0]);
                if (kk == kkB) gnw[1] = sts_combine(cu, ghost[1][jj], cv, gm2[1], cw, gw0[1], ubtau, l, cg, gwy[1]);
            }
        }
        __syncthreads();
#pragma unroll
        for (int q = 0; q < STS_PTS; q++) {
            const int kk = kk0 + kstep * q;
            if (rowOK && kk >= s && kk < STS_TILE_K - s) {
                const int e = kk * STS_TILE_J + jj;
                m2[q] = sh[e];
                sh[e] = nw[q];
                if (kk == kkA) {
                    gm2[0] = ghost[0][jj];
                    ghost[0][jj] = gnw[0];
                }
                if (kk == kkB) {
                    gm2[1] = ghost[1][jj];
                    ghost[1][jj] = gnw[1];
                }
            }
        }
        __syncthreads();
    }
    if (jj < STS_HALO || jj >= STS_HALO + nown) return;
#pragma unroll
    for (int q = 0; q < STS_PTS; q++) {
        const int kk = kk0 + kstep * q;
        if (kk < STS_HALO || kk >= STS_HALO + kown) continue;
        const long long i = base + (long long)ntm * kp[q] + j;
        out1[i] = sh[kk * STS_TILE_J + jj];
        out2[i] = m2[q];
        if (kk == kkA) {
            out1[iG0] = ghost[0][jj];
            out2[iG0] = gm2[0];
        }
        if (kk == kkB) {
            out1[iG1] = ghost[1][jj];
            out2[iG1] = gm2[1];
        }
    }
}

extern "C" __global__ void diff_sts_block(Geo g, const double* __restrict__ coef, const double* __restrict__ dconst,
                                          const double* __restrict__ u1, const double* __restrict__ u2,
                                          const double* __restrict__ u0, const double* __restrict__ y0,
                                          const double* __restrict__ stc, long long k0, long long ns, double tau,
                                          double pole_north, double pole_south, double* cap,
                                          double* __restrict__ out1, double* __restrict__ out2) {
    __shared__ double sh[STS_TILE_J * STS_TILE_K];
    __shared__ double ghost[2][STS_TILE_J];
    __shared__ double pole_value;
    const int ncap = 2 * (int)g.nr;
    if ((int)blockIdx.x < ncap) {
        sts_cap(g, coef, dconst, u1, u2, u0, y0, stc, (int)k0, (int)ns, tau, pole_north, pole_south, cap, out1, out2,
                blockIdx.x / 2, (blockIdx.x & 1) == 0, sh, &pole_value);
    } else {
        sts_tile(g, coef, dconst, u1, u2, u0, y0, stc, (int)k0, (int)ns, tau, out1, out2, blockIdx.x - ncap, sh, ghost);
    }
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
