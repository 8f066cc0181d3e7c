"""Real coordinates of Hermitian matrices, and superoperators in them.

A Hermitian N x N matrix ``rho`` has N^2 real coordinates in an orthonormal basis of Hermitian
matrices (Hilbert-Schmidt inner product ``Tr(A B)``):

    x = [rho_00, ..., rho_{N-1,N-1},  sqrt(2) Re rho_ab (a < b),  sqrt(2) Im rho_ab (a < b)]

(pairs in row-major upper-triangle order). The first N coordinates are the populations of the
natural basis; ``Tr(A B) = a . b`` for Hermitian A, B, so the energy ``Tr(H rho)`` is the dot
product of the coordinates of H and rho. Maps of density matrices become real N^2 x N^2 matrices.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ...core.linear_map import matmul

_ROOT2 = np.sqrt(2.0)


@functools.lru_cache(maxsize=64)
def pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices ``(a, b)`` of the pairs ``a < b`` in row-major order (cached)."""
    upper = np.triu_indices(n, 1)
    for index in upper:
        index.flags.writeable = False
    return upper[0], upper[1]


@functools.lru_cache(maxsize=64)
def _vector_map(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each coordinate sits among the interleaved real and imaginary parts of a row-major
    complex N x N matrix, and its factor (1 on the diagonal, sqrt(2) off it)."""
    a, b = pairs(n)
    index = np.concatenate([2 * (n + 1) * np.arange(n), 2 * (n * a + b), 2 * (n * a + b) + 1])
    scale = np.concatenate([np.ones(n), np.full(2 * len(a), _ROOT2)])
    for array in (index, scale):
        array.flags.writeable = False
    return index, scale


def to_vector(matrix: Any) -> np.ndarray:
    """Real coordinates ``x`` (shape ``(..., N^2)``) of Hermitian matrices ``(..., N, N)``.

    Examples
    --------
    >>> to_vector(np.array([[0.75, 0.25j], [-0.25j, 0.25]]))
    array([0.75      , 0.25      , 0.        , 0.35355339])
    """
    m = np.ascontiguousarray(matrix, dtype=complex)
    n = m.shape[-1]
    index, scale = _vector_map(n)
    # one gather from the real and imaginary parts, viewed as interleaved floats
    return m.view(np.float64).reshape(m.shape[:-2] + (2 * n * n,))[..., index] * scale


def to_matrix(vector: Any) -> np.ndarray:
    """Hermitian matrices ``(..., N, N)`` from real coordinates ``(..., N^2)``."""
    x = np.asarray(vector, dtype=float)
    n = math.isqrt(x.shape[-1])
    a, b = pairs(n)
    p = len(a)
    m = np.zeros(x.shape[:-1] + (n, n), dtype=complex)
    idx = np.arange(n)
    m[..., idx, idx] = x[..., :n]
    upper = (x[..., n:n + p] + 1j * x[..., n + p:]) / _ROOT2
    m[..., a, b] = upper
    m[..., b, a] = np.conj(upper)
    return m


@functools.lru_cache(maxsize=64)
def _basis(n: int) -> np.ndarray:
    """The orthonormal Hermitian basis matrices ``B_k`` (shape ``(N^2, N, N)``), ``x_k = Tr(B_k rho)``."""
    eye = np.eye(n * n)
    basis = to_matrix(eye)  # rho = sum_k x_k B_k, and the basis is orthonormal
    basis.flags.writeable = False
    return basis


def population_rows(vectors: np.ndarray | None, n: int) -> np.ndarray:
    """Rows ``C[..., k, :]`` = coordinates of ``|v_k><v_k|`` (``v_k`` the columns of ``vectors``; the
    natural basis if None): ``C @ x`` are the populations of those states."""
    if vectors is None:
        rows = np.zeros((n, n * n))
        rows[np.arange(n), np.arange(n)] = 1.0
        return rows
    v = np.asarray(vectors)
    projectors = v[..., :, None, :] * np.conj(v[..., None, :, :])  # [..., a, b, k] = v_ak conj(v_bk)
    return to_vector(np.moveaxis(projectors, -1, -3))


@functools.lru_cache(maxsize=64)
def _coordinates(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``T`` with ``x = T vec(rho)`` (row-major vec; T is unitary) and ``T^dag``."""
    basis = _basis(n).reshape(n * n, n * n)  # row k: vec(B_k), and x_k = Tr(B_k rho) = conj(vec B_k) . vec rho
    forward = np.conj(basis)
    forward.flags.writeable = False
    backward = np.ascontiguousarray(basis.T)
    backward.flags.writeable = False
    return forward, backward


#: up to this N, superoperators are converted with the N^2 x N^2 coordinate matrix (two products);
#: beyond, by mapping the N^2 basis matrices (fewer operations, N^5 instead of N^6)
_SMALL = 8


def conjugation(vectors: np.ndarray) -> np.ndarray:
    """The real matrix ``S`` of ``rho -> V rho V^dag`` (``V`` unitary), shape ``(..., N^2, N^2)``:
    ``S @ x`` are the natural-basis coordinates of a state with eigenbasis coordinates ``x``."""
    v = np.asarray(vectors)
    n = v.shape[-1]
    if n <= _SMALL:
        kron = v[..., :, None, :, None] * np.conj(v)[..., None, :, None, :]
        return superoperator(kron.reshape(v.shape[:-2] + (n * n, n * n)))
    images = v[..., None, :, :] @ _basis(n) @ np.conj(np.swapaxes(v, -1, -2))[..., None, :, :]
    return np.swapaxes(to_vector(images), -1, -2)


def superoperator(matrix: np.ndarray) -> np.ndarray:
    """Real N^2 x N^2 matrix of a complex superoperator acting on row-major ``vec(rho)``."""
    m = np.asarray(matrix)
    n = math.isqrt(m.shape[-1])
    forward, backward = _coordinates(n)
    if n <= _SMALL:
        return matmul(matmul(forward, m), backward).real
    images = np.swapaxes(m @ backward, -1, -2).reshape(m.shape[:-2] + (n * n, n, n))
    return np.swapaxes(to_vector(images), -1, -2)


@functools.lru_cache(maxsize=64)
def trace_row(n: int) -> np.ndarray:
    """The row ``t`` with ``t @ x = Tr(rho)`` (cached, read-only)."""
    row = np.zeros(n * n)
    row[:n] = 1.0
    row.flags.writeable = False
    return row


@functools.lru_cache(maxsize=64)
def trace_projector(n: int) -> np.ndarray:
    """The matrix ``t t^T`` of the trace row ``t`` (cached, read-only)."""
    row = trace_row(n)
    outer = row[:, None] * row[None, :]
    outer.flags.writeable = False
    return outer


__all__ = ["to_vector", "to_matrix", "population_rows", "conjugation", "superoperator", "trace_row",
           "trace_projector", "pairs"]
