// Sources: the rate as a weighted sum of frames (source.Framed), added to
// the field as source.Sources.Apply does after Update.

// src_apply adds up to four terms of the source rate at every point i < n:
// s = (first ? 0 : acc[i]) + w0*t0[i % n0] + w1*t1[i % n1] + ... (nterms of
// them, left to right), then f[i] += h*s when last, else acc[i] = s (more
// terms follow in another launch). A frame holds every realization (nq =
// n) or one realization used for all (nq = n / nr).
extern "C" __global__ void src_apply(double* __restrict__ f, double* __restrict__ acc,
                                     const double* __restrict__ t0, const double* __restrict__ t1,
                                     const double* __restrict__ t2, const double* __restrict__ t3,
                                     double w0, double w1, double w2, double w3,
                                     long long n0, long long n1, long long n2, long long n3,
                                     long long nterms, long long first, long long last, double h, long long n) {
    const long long i = thread_index();
    if (i >= n) return;
    double s = first ? 0.0 : acc[i];
    if (nterms > 0) s = s + w0 * t0[i % n0];
    if (nterms > 1) s = s + w1 * t1[i % n1];
    if (nterms > 2) s = s + w2 * t2[i % n2];
    if (nterms > 3) s = s + w3 * t3[i % n3];
    if (last) {
        f[i] = f[i] + h * s;
    } else {
        acc[i] = s;
    }
}
