// CMPI — the C side of attnlab's data-parallel layer: the few Open MPI calls it uses.
//
// The header exposes plain C types only (no mpi.h), so Swift sees no MPI handle types;
// mpi_shim.c holds every MPI call. Each function returns an MPI error code (0: success)
// unless it says otherwise. Buffers longer than INT_MAX elements are sent in pieces.
#ifndef CMPI_H
#define CMPI_H

#ifdef __cplusplus
extern "C" {
#endif

/// Initialises MPI (MPI_THREAD_SERIALIZED) and registers MPI_Finalize with atexit.
/// Call only in a process started by mpirun/srun: a plain process never touches MPI.
int alab_mpi_init(void);

/// This process's rank and the number of ranks in MPI_COMM_WORLD (0 and 1 before init).
int alab_mpi_rank(void);
int alab_mpi_size(void);

/// In-place sum over all ranks of `count` floats / doubles.
int alab_mpi_allreduce_sum_float(float *buffer, long count);
int alab_mpi_allreduce_sum_double(double *buffer, long count);

/// Copies `count` bytes of `root`'s buffer into every rank's buffer.
int alab_mpi_broadcast(void *buffer, long count, int root);

int alab_mpi_barrier(void);

/// Ends every rank of the job with `code` (MPI_Abort); does not return.
void alab_mpi_abort(int code);

/// MPI_Wtime: seconds since an arbitrary origin.
double alab_mpi_wtime(void);

#ifdef __cplusplus
}
#endif
#endif
