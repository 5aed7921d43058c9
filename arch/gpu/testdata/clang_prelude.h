// Declarations that stand in for the CUDA headers when clang compiles the
// embedded kernels as CUDA device code (gpu/clang_test.go): NVRTC provides
// these itself. Only their signatures matter; nothing is linked.
#include <__clang_cuda_builtin_vars.h>
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))
#define __forceinline__ __attribute__((always_inline)) inline
__device__ void __syncthreads();
__device__ unsigned long long __shfl_down_sync(unsigned, unsigned long long, int);
__device__ double __shfl_down_sync(unsigned, double, int);
__device__ unsigned long long atomicMax(unsigned long long*, unsigned long long);
__device__ unsigned long long atomicMin(unsigned long long*, unsigned long long);
__device__ double atomicAdd(double*, double);
__device__ long long __double_as_longlong(double);
__device__ double __longlong_as_double(long long);
__device__ int min(int, int);
__device__ int max(int, int);
__device__ long long min(long long, long long);
__device__ double fabs(double);
__device__ double fmin(double, double);
__device__ double fmax(double, double);
__device__ double copysign(double, double);
__device__ double tanh(double);
__device__ double sqrt(double);
__device__ double exp(double);
