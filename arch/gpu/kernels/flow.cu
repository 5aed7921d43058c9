// Flow attenuation (flow.Attenuate, hipft-model.md section 6.8) on the
// device: the field changes every step, so the attenuated velocity is
// recomputed there from the model velocity (vt0, vp0), which the host
// uploads when the models change.

// flow_atten_vt mirrors flow.attenuator.vtColumns and the periodic copy of
// vt: every interior face j = 1..nt-2 of the columns k = 1..npm-2 is
// vt0*(1 - tanh(a_r*max|Br|)) over the two Br points beside it; the ghost
// faces keep vt0; columns 0 and npm-1 copy columns npm-2 and 1.
extern "C" __global__ void flow_atten_vt(Geo g, const double* __restrict__ vt0, const double* __restrict__ f,
                                         const double* __restrict__ inv, double* __restrict__ vt) {
    const int ntm = (int)g.ntm, nt = (int)g.nt, npm = (int)g.npm;
    long long i = thread_index();
    if (i >= (long long)nt * npm * g.nr) return;
    const long long col = i / nt;
    const int j = (int)(i - col * nt);
    const int r = (int)(col / npm);
    const int k = periodic_col((int)(col - (long long)r * npm), npm);
    const double v = vt0[(long long)nt * (k + (long long)npm * r) + j];
    if (j >= 1 && j <= nt - 2) {
        const double* fc = f + (long long)ntm * (k + (long long)npm * r);
        const double br = fmax(fabs(fc[j - 1]), fabs(fc[j]));
        vt[i] = v * (1 - tanh(br * inv[r]));
    } else {
        vt[i] = v;
    }
}

// flow_atten_vp mirrors flow.attenuator.vpColumns and the periodic copy of
// vp: every face k = 1..np-2 of every row is vp0*(1 - tanh(a_r*max|Br|))
// over the Br points of columns k-1 and k; faces 0 and np-1 copy np-2 and 1.
extern "C" __global__ void flow_atten_vp(Geo g, const double* __restrict__ vp0, const double* __restrict__ f,
                                         const double* __restrict__ inv, double* __restrict__ vp) {
    const int ntm = (int)g.ntm, npm = (int)g.npm, np = (int)g.np;
    long long i = thread_index();
    if (i >= (long long)ntm * np * g.nr) return;
    const long long col = i / ntm;
    const int j = (int)(i - col * ntm);
    const int r = (int)(col / np);
    const int k = periodic_col((int)(col - (long long)r * np), np);
    const double* fw = f + (long long)ntm * (k - 1 + (long long)npm * r);
    const double* fc = f + (long long)ntm * (k + (long long)npm * r);
    const double br = fmax(fabs(fw[j]), fabs(fc[j]));
    vp[i] = vp0[(long long)ntm * (k + (long long)np * r) + j] * (1 - tanh(br * inv[r]));
}
