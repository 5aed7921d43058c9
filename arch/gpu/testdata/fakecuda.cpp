// A stand-in for the CUDA driver (libcuda.so.1) and NVRTC (libnvrtc.so)
// in one shared library, for testing goft's real driver path (purego
// bindings, argument packing, copies, launches, events) on machines
// without a GPU (gpu/fakedriver_test.go). Device memory is host memory;
// kernels run on emu.cpp's emulator, compiled into this library with the
// embedded kernels for one blocked-stage shape (the -DSTS_* options), which
// the fake NVRTC checks against the options it is given. It reports one
// device of compute capability 9.0.
#define EMU_SHARED_LIB
#include "emu.cpp"

#include <atomic>

typedef int CUresult;
enum { CUDA_SUCCESS = 0, CUDA_ERROR_INVALID_VALUE = 1, CUDA_ERROR_OUT_OF_MEMORY = 2, CUDA_ERROR_INVALID_IMAGE = 200,
       CUDA_ERROR_INVALID_HANDLE = 400, CUDA_ERROR_NOT_FOUND = 500 };

// fk_call calls kernel f with its parameters, params[i] pointing at the
// value of parameter i, as cuLaunchKernel receives them.
template <class... A, size_t... I> static void fk_invoke(void (*f)(A...), void** p, std::index_sequence<I...>) {
    f(*static_cast<A*>(p[I])...);
}
template <class... A> static void fk_call(void (*f)(A...), void** p) { fk_invoke(f, p, std::index_sequence_for<A...>{}); }

struct fk_kernel { std::string name; void (*call)(void**); };
static std::vector<fk_kernel> fk_kernels = {
#define K(name) {#name, [](void** p) { fk_call(name, p); }},
    EMU_KERNELS
#undef K
};

static void (*fk_fn)(void**);
static void** fk_params;
static std::atomic<int> fk_launches;

// fk_shape is the blocked stages' shape the kernels were compiled for, as
// goft writes it (H,JxK); fk_image the "cubin" the fake NVRTC hands out.
static const std::string fk_shape = std::to_string(STS_HALO) + "," + std::to_string(STS_TILE_J) + "x" + std::to_string(STS_TILE_K);
static const std::string fk_image = "goft fake CUDA image " + fk_shape;

// Fault injection (goft_fake_fail): the nth call of the named function
// from then on returns code instead of doing its work.
static std::string fk_fail_name;
static int fk_fail_nth, fk_fail_code, fk_fail_count;
static int fk_fail(const char* name) {
    if (fk_fail_name == name && ++fk_fail_count == fk_fail_nth) return fk_fail_code;
    return 0;
}

extern "C" {

// goft_fake_fail makes the nth call of function name (a driver or NVRTC
// symbol, e.g. "cuMemAlloc_v2") fail with code; name "" turns it off.
void goft_fake_fail(const char* name, int nth, int code) {
    fk_fail_name = name;
    fk_fail_nth = nth;
    fk_fail_code = code;
    fk_fail_count = 0;
}

CUresult cuInit(unsigned) { return CUDA_SUCCESS; }
CUresult cuDriverGetVersion(int* v) { *v = 12040; return CUDA_SUCCESS; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return CUDA_SUCCESS; }
CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return CUDA_ERROR_INVALID_VALUE; *d = 0; return CUDA_SUCCESS; }
CUresult cuDeviceGetName(char* s, int n, int) { snprintf(s, n, "goft fake CUDA device (CPU emulator)"); return CUDA_SUCCESS; }
CUresult cuDeviceGetAttribute(int* v, int attr, int) {
    switch (attr) {
    case 16: *v = 132; return CUDA_SUCCESS; // multiprocessors
    case 75: *v = 9; return CUDA_SUCCESS;   // compute capability major
    case 76: *v = 0; return CUDA_SUCCESS;   // minor
    }
    return CUDA_ERROR_INVALID_VALUE;
}
// 256 MiB, so that the profile's copy-bandwidth test (a quarter of it) is quick.
CUresult cuDeviceTotalMem_v2(size_t* b, int) { *b = size_t(256) << 20; return CUDA_SUCCESS; }
CUresult cuDevicePrimaryCtxRetain(uintptr_t* ctx, int) { *ctx = 1; return CUDA_SUCCESS; }
CUresult cuDevicePrimaryCtxRelease_v2(int) { return CUDA_SUCCESS; }
CUresult cuCtxSetCurrent(uintptr_t ctx) { return ctx == 1 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE; }
CUresult cuCtxSynchronize() { return CUDA_SUCCESS; }
CUresult cuMemAlloc_v2(uintptr_t* p, size_t n) {
    if (int e = fk_fail("cuMemAlloc_v2")) return e;
    void* q = calloc(n ? n : 8, 1);
    if (!q) return CUDA_ERROR_OUT_OF_MEMORY;
    *p = (uintptr_t)q;
    return CUDA_SUCCESS;
}
CUresult cuMemFree_v2(uintptr_t p) { free((void*)p); return CUDA_SUCCESS; }
CUresult cuMemcpyHtoD_v2(uintptr_t d, const void* s, size_t n) { if (int e = fk_fail("cuMemcpyHtoD_v2")) return e; memcpy((void*)d, s, n); return CUDA_SUCCESS; }
CUresult cuMemcpyDtoH_v2(void* d, uintptr_t s, size_t n) { if (int e = fk_fail("cuMemcpyDtoH_v2")) return e; memcpy(d, (const void*)s, n); return CUDA_SUCCESS; }
CUresult cuMemcpyDtoD_v2(uintptr_t d, uintptr_t s, size_t n) { memmove((void*)d, (const void*)s, n); return CUDA_SUCCESS; }
CUresult cuMemsetD8_v2(uintptr_t d, unsigned char v, size_t n) { memset((void*)d, v, n); return CUDA_SUCCESS; }
CUresult cuModuleLoadData(uintptr_t* mod, const void* image) {
    if (int e = fk_fail("cuModuleLoadData")) return e;
    if (fk_image != (const char*)image) return CUDA_ERROR_INVALID_IMAGE;
    *mod = 1;
    return CUDA_SUCCESS;
}
CUresult cuModuleUnload(uintptr_t) { return CUDA_SUCCESS; }
CUresult cuModuleGetFunction(uintptr_t* fn, uintptr_t mod, const char* name) {
    if (mod != 1) return CUDA_ERROR_INVALID_HANDLE;
    for (size_t i = 0; i < fk_kernels.size(); i++) {
        if (fk_kernels[i].name == name) { *fn = i + 1; return CUDA_SUCCESS; }
    }
    return CUDA_ERROR_NOT_FOUND;
}
CUresult cuLaunchKernel(uintptr_t fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shmem, uintptr_t stream, void** params, void** extra) {
    if (int e = fk_fail("cuLaunchKernel")) return e;
    if (fn == 0 || fn > fk_kernels.size()) return CUDA_ERROR_INVALID_HANDLE;
    if (gz != 1 || by != 1 || bz != 1 || bx == 0 || bx > 1024 || gx == 0 || gy == 0 || extra != nullptr) return CUDA_ERROR_INVALID_VALUE;
    const fk_kernel& k = fk_kernels[fn - 1];
    fk_fn = k.call;
    fk_params = params;
    emu_launch(k.name, [](const uint64_t*, const Geo*) { fk_fn(fk_params); }, gx, gy, bx, nullptr, nullptr);
    fk_launches++;
    return CUDA_SUCCESS;
}
CUresult cuEventCreate(uintptr_t* ev, unsigned) { *ev = (uintptr_t)calloc(1, 8); return CUDA_SUCCESS; }
CUresult cuEventDestroy_v2(uintptr_t ev) { free((void*)ev); return CUDA_SUCCESS; }
CUresult cuEventRecord(uintptr_t ev, uintptr_t) { *(int*)ev = fk_launches; return CUDA_SUCCESS; }
CUresult cuEventSynchronize(uintptr_t) { return CUDA_SUCCESS; }
CUresult cuEventElapsedTime(float* ms, uintptr_t a, uintptr_t b) { *ms = 0.001f * (*(int*)b - *(int*)a); return CUDA_SUCCESS; }
// The driver's names and descriptions of the codes the fake returns.
static const std::map<int, std::pair<const char*, const char*>> fk_errors = {
    {0, {"CUDA_SUCCESS", "no error"}},
    {1, {"CUDA_ERROR_INVALID_VALUE", "invalid argument"}},
    {2, {"CUDA_ERROR_OUT_OF_MEMORY", "out of memory"}},
    {200, {"CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"}},
    {400, {"CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"}},
    {500, {"CUDA_ERROR_NOT_FOUND", "named symbol not found"}},
    {700, {"CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"}},
};
CUresult cuGetErrorString(CUresult r, const char** s) {
    auto it = fk_errors.find(r);
    if (it == fk_errors.end()) return CUDA_ERROR_INVALID_VALUE;
    *s = it->second.second;
    return CUDA_SUCCESS;
}
CUresult cuGetErrorName(CUresult r, const char** s) {
    auto it = fk_errors.find(r);
    if (it == fk_errors.end()) return CUDA_ERROR_INVALID_VALUE;
    *s = it->second.first;
    return CUDA_SUCCESS;
}

// NVRTC: a program holds its options' check and log; its "cubin" is
// fk_image.
struct fk_prog { std::string log; bool compiled; };
int nvrtcVersion(int* major, int* minor) { *major = 12; *minor = 4; return 0; }
const char* nvrtcGetErrorString(int r) { return r == 0 ? "NVRTC_SUCCESS" : r == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_ERROR (fake)"; }
int nvrtcCreateProgram(fk_prog** p, const char* src, const char*, int, const char* const*, const char* const*) {
    if (!strstr(src, "diff_sts_block")) return 3; // NVRTC_ERROR_INVALID_INPUT
    *p = new fk_prog{"", false};
    return 0;
}
int nvrtcDestroyProgram(fk_prog** p) { delete *p; *p = nullptr; return 0; }
int nvrtcCompileProgram(fk_prog* p, int n, const char* const* opts) {
    if (int e = fk_fail("nvrtcCompileProgram")) { p->log = "goft_kernels.cu(1): error: injected by goft_fake_fail"; return e; }
    std::string want[] = {"-DSTS_HALO=" + std::to_string(STS_HALO), "-DSTS_TILE_J=" + std::to_string(STS_TILE_J),
                          "-DSTS_TILE_K=" + std::to_string(STS_TILE_K), "--gpu-architecture=sm_90", "--fmad=false"};
    for (auto& w : want) {
        bool found = false;
        for (int i = 0; i < n; i++) found = found || w == opts[i];
        if (!found) { p->log = "fake NVRTC: option " + w + " missing (this library was built for shape " + fk_shape + ")"; return 6; }
    }
    p->compiled = true;
    return 0;
}
int nvrtcGetProgramLogSize(fk_prog* p, size_t* n) { *n = p->log.size() + 1; return 0; }
int nvrtcGetProgramLog(fk_prog* p, char* s) { memcpy(s, p->log.c_str(), p->log.size() + 1); return 0; }
int nvrtcGetPTXSize(fk_prog*, size_t*) { return 6; }
int nvrtcGetPTX(fk_prog*, char*) { return 6; }
int nvrtcGetCUBINSize(fk_prog* p, size_t* n) { if (!p->compiled) return 6; *n = fk_image.size() + 1; return 0; }
int nvrtcGetCUBIN(fk_prog* p, char* s) { if (!p->compiled) return 6; memcpy(s, fk_image.c_str(), fk_image.size() + 1); return 0; }
int nvrtcGetNumSupportedArchs(int* n) { *n = 1; return 0; }
int nvrtcGetSupportedArchs(int* a) { a[0] = 90; return 0; }

} // extern "C"
