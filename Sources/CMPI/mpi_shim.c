// Every Open MPI call attnlab makes (CMPI.h). Debian installs mpi.h under
// /usr/include/<multiarch>/mpi, which the compiler searches as <mpi/mpi.h>.
#if __has_include(<mpi.h>)
#include <mpi.h>
#else
#include <mpi/mpi.h>
#endif
#include <limits.h>
#include <stdlib.h>

#include "CMPI.h"

static int initialised = 0;

static void finalize_at_exit(void) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
}

int alab_mpi_init(void) {
    if (initialised) return MPI_SUCCESS;
    int provided = 0;
    int status = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    if (status != MPI_SUCCESS) return status;
    initialised = 1;
    atexit(finalize_at_exit);
    return MPI_SUCCESS;
}

int alab_mpi_rank(void) {
    int rank = 0;
    if (initialised) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int alab_mpi_size(void) {
    int size = 1;
    if (initialised) MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

// MPI counts are ints: longer buffers go in INT_MAX-element pieces.
static int allreduce_sum(void *buffer, long count, MPI_Datatype type, size_t width) {
    char *bytes = buffer;
    while (count > 0) {
        int piece = count > INT_MAX ? INT_MAX : (int)count;
        int status = MPI_Allreduce(MPI_IN_PLACE, bytes, piece, type, MPI_SUM, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
        bytes += (size_t)piece * width;
        count -= piece;
    }
    return MPI_SUCCESS;
}

int alab_mpi_allreduce_sum_float(float *buffer, long count) {
    return allreduce_sum(buffer, count, MPI_FLOAT, sizeof(float));
}

int alab_mpi_allreduce_sum_double(double *buffer, long count) {
    return allreduce_sum(buffer, count, MPI_DOUBLE, sizeof(double));
}

int alab_mpi_broadcast(void *buffer, long count, int root) {
    char *bytes = buffer;
    while (count > 0) {
        int piece = count > INT_MAX ? INT_MAX : (int)count;
        int status = MPI_Bcast(bytes, piece, MPI_BYTE, root, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
        bytes += piece;
        count -= piece;
    }
    return MPI_SUCCESS;
}

int alab_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

void alab_mpi_abort(int code) {
    MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

double alab_mpi_wtime(void) { return MPI_Wtime(); }
