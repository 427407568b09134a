/* A host-memory stand-in for libcudart.so.12, for testing tritonlink's CUDA plumbing (dlopen,
 * region copies, DLPack and __cuda_array_interface__ in and out) on machines without a GPU.
 * "Device" memory is malloc'd; copies are memcpy. It records what it was asked to do, so
 * tests can check which copy kind and stream were used. The real runtime is tested on a GPU. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fake_device_count = 1;
int fake_last_copy_kind = -1;
uintptr_t fake_last_copy_stream = 0;
uintptr_t fake_last_synchronized_stream = 0;
int fake_synchronizations = 0;
int fake_live_allocations = 0;
int fake_open_ipc_handles = 0;

/* The handle carries the "device" pointer: in one process, opening it gives that pointer back. */
typedef struct {
  char reserved[64];
} fake_ipc_handle;

int cudaGetDeviceCount(int* count) { *count = fake_device_count; return 0; }
int cudaSetDevice(int device) { return device >= 0 && device < fake_device_count ? 0 : 101; }

int cudaMalloc(void** pointer, size_t size) {
  *pointer = malloc(size);
  if (*pointer == NULL) return 2;
  ++fake_live_allocations;
  return 0;
}

int cudaFree(void* pointer) {
  free(pointer);
  --fake_live_allocations;
  return 0;
}

int cudaMemcpy(void* destination, const void* source, size_t size, int kind) {
  memcpy(destination, source, size);
  fake_last_copy_kind = kind;
  return 0;
}

int cudaMemcpyAsync(void* destination, const void* source, size_t size, int kind, void* stream) {
  memcpy(destination, source, size);
  fake_last_copy_kind = kind;
  fake_last_copy_stream = (uintptr_t)stream;
  return 0;
}

int cudaStreamSynchronize(void* stream) {
  fake_last_synchronized_stream = (uintptr_t)stream;
  ++fake_synchronizations;
  return 0;
}

int cudaIpcGetMemHandle(fake_ipc_handle* handle, void* pointer) {
  memset(handle, 0, sizeof *handle);
  memcpy(handle->reserved, &pointer, sizeof pointer);
  return 0;
}

int cudaIpcOpenMemHandle(void** pointer, fake_ipc_handle handle, unsigned int flags) {
  (void)flags;
  memcpy(pointer, handle.reserved, sizeof *pointer);
  if (*pointer == NULL) return 400; /* cudaErrorInvalidResourceHandle */
  ++fake_open_ipc_handles;
  return 0;
}

int cudaIpcCloseMemHandle(void* pointer) {
  (void)pointer;
  --fake_open_ipc_handles;
  return 0;
}

const char* cudaGetErrorString(int error) {
  switch (error) {
    case 101:
      return "invalid device ordinal";
    case 400:
      return "invalid resource handle";
    default:
      return "fake CUDA error";
  }
}
