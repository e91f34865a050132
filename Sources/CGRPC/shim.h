// The gRPC core's C API for GRPCKit, plus tiny helpers for what Swift cannot import (macros).
// Slices are always taken by pointer: a slice passed by value that is short enough to be inlined
// would point into the callee's stack copy.
// The C library's headers first, before gRPC's port_platform.h defines _GNU_SOURCE: otherwise they are
// read into this module with GNU feature macros (fd_set's member is then `fds_bits`), a different
// definition from the one in Swift's Glibc module (`__fds_bits`), and a Swift file that sees both
// modules fails to compile (clang's "is not present in definition of 'fd_set'").
#include <stdlib.h>
#include <sys/select.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/log.h>
#include <grpc/support/time.h>
#include <string.h>

static const uint32_t cgrpc_propagate_defaults = GRPC_PROPAGATE_DEFAULTS;

static inline const uint8_t *cgrpc_slice_start(const grpc_slice *s) { return GRPC_SLICE_START_PTR(*s); }
static inline size_t cgrpc_slice_length(const grpc_slice *s) { return GRPC_SLICE_LENGTH(*s); }

/// A message to send: one slice holding a copy of the bytes.
static inline grpc_byte_buffer *cgrpc_byte_buffer_create(const void *bytes, size_t length) {
    grpc_slice slice = grpc_slice_from_copied_buffer((const char *)bytes, length);
    grpc_byte_buffer *buffer = grpc_raw_byte_buffer_create(&slice, 1);
    grpc_slice_unref(slice);
    return buffer;
}

/// Payload length of a received message (decompressed if it arrived compressed).
static inline size_t cgrpc_byte_buffer_length(grpc_byte_buffer *buffer) {
    if (buffer->type == GRPC_BB_RAW && buffer->data.raw.compression == GRPC_COMPRESS_NONE) {
        return grpc_byte_buffer_length(buffer);
    }
    grpc_byte_buffer_reader reader;
    if (!grpc_byte_buffer_reader_init(&reader, buffer)) return 0;
    grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
    size_t length = GRPC_SLICE_LENGTH(all);
    grpc_slice_unref(all);
    grpc_byte_buffer_reader_destroy(&reader);
    return length;
}

/// Copies at most `capacity` payload bytes of a received message into `destination`; returns the count.
static inline size_t cgrpc_byte_buffer_copy(grpc_byte_buffer *buffer, uint8_t *destination, size_t capacity) {
    grpc_byte_buffer_reader reader;
    if (!grpc_byte_buffer_reader_init(&reader, buffer)) return 0;
    size_t copied = 0;
    grpc_slice slice;
    while (grpc_byte_buffer_reader_next(&reader, &slice)) {
        size_t length = GRPC_SLICE_LENGTH(slice);
        if (length > capacity - copied) length = capacity - copied;
        if (length > 0) memcpy(destination + copied, GRPC_SLICE_START_PTR(slice), length);
        copied += length;
        grpc_slice_unref(slice);
    }
    grpc_byte_buffer_reader_destroy(&reader);
    return copied;
}

/// Fills one metadata entry to send with copies of key and value.
static inline void cgrpc_metadata_set(grpc_metadata *entry, const char *key, size_t key_length,
                                      const void *value, size_t value_length) {
    memset(entry, 0, sizeof *entry);
    entry->key = grpc_slice_from_copied_buffer(key, key_length);
    entry->value = grpc_slice_from_copied_buffer((const char *)value, value_length);
}

static inline void cgrpc_metadata_release(grpc_metadata *entry) {
    grpc_slice_unref(entry->key);
    grpc_slice_unref(entry->value);
}

static inline const grpc_slice *cgrpc_metadata_array_key(const grpc_metadata_array *array, size_t i) {
    return &array->metadata[i].key;
}
static inline const grpc_slice *cgrpc_metadata_array_value(const grpc_metadata_array *array, size_t i) {
    return &array->metadata[i].value;
}
static inline const grpc_slice *cgrpc_call_details_method(const grpc_call_details *details) {
    return &details->method;
}

/// A slice owning a copy of `length` bytes, written where the caller keeps it.
static inline void cgrpc_slice_init_copy(grpc_slice *slot, const void *bytes, size_t length) {
    *slot = grpc_slice_from_copied_buffer((const char *)bytes, length);
}
static inline void cgrpc_slice_release(grpc_slice *slot) { grpc_slice_unref(*slot); }

/// Creates a client call; the method slice is only borrowed for the duration.
static inline grpc_call *cgrpc_channel_create_call(grpc_channel *channel, grpc_completion_queue *queue,
                                                   const char *method, gpr_timespec deadline) {
    grpc_slice path = grpc_slice_from_copied_string(method);
    grpc_call *call = grpc_channel_create_call(channel, NULL, GRPC_PROPAGATE_DEFAULTS, queue, path, NULL,
                                               deadline, NULL);
    grpc_slice_unref(path);
    return call;
}
