"""The density-matrix backend: the state is the density matrix, as N^2 real coordinates.

Contacts follow the Davies master equation in the eigenbasis of ``H(control)`` (:mod:`.davies`);
finite-time isolated strokes the Schroedinger-von Neumann equation under ``H(w(t))``
(:mod:`.unitary`); ideal adiabats carry the populations of the instantaneous eigenstates over.
Every map is computed in the eigenbasis where it is simplest and rotated to the natural basis
(:mod:`.basis`), so that all strokes act on one state vector.

For a commuting substance the populations block of every map is the populations backend's own
(same kernels), contacts never mix populations with coherences, and the periodic solve uses the
same subtraction-free elimination: both backends then agree to round-off.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
import scipy.linalg
import scipy.linalg.lapack

from ...core.context import Schedule
from ...core.linear_map import LinearMap, Reference, ThermalLabel, matmul, matvec, row_times
from ...core.stable import gibbs, gibbs_difference
from ...errors import CycleError, ParameterError
from ...spec.strokes import schedules
from ..base import Backend, BackendContext, Corner, SubstanceView, expand, label
from ..populations import kernels
from ..populations.backend import stationary
from ..ramp import time_ordered
from ..rates import contacts, weighted_rates
from . import basis, davies
from .unitary import commuting_phases, magnus_deviation

#: two eigenbases are one where every column matches up to a phase to this tolerance
SAME_BASIS_TOLERANCE = 1e-12
#: the periodic solve is refused where the system's smallest singular value is below this fraction of
#: its largest (the one-cycle map has more than one fixed state)
SINGULAR_TOLERANCE = 1e-13


def _block_diagonal(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    batch = first.shape[:-2]
    if second.shape[:-2] != batch:
        batch = np.broadcast_shapes(batch, second.shape[:-2])
    n1, n2 = first.shape[-1], second.shape[-1]
    out = np.zeros(batch + (n1 + n2, n1 + n2))
    out[..., :n1, :n1] = first
    out[..., n1:, n1:] = second
    return out


# The rotation S (real, orthogonal) maps eigenbasis coordinates to natural ones: a deviation D
# becomes S D S^T, and a vector or a row r (a functional r . x) becomes S r.

def _rotate(rotation: np.ndarray | None, deviation: np.ndarray) -> np.ndarray:
    return deviation if rotation is None else matmul(matmul(rotation, deviation), np.swapaxes(rotation, -1, -2))


def _rotate_vector(rotation: np.ndarray | None, vector: np.ndarray) -> np.ndarray:
    return vector if rotation is None else matvec(rotation, vector)


def _lift(rotation: np.ndarray | None, populations: np.ndarray, n: int) -> np.ndarray:
    """:func:`_rotate_vector` of a vector that vanishes outside the populations of the eigenbasis,
    given by those N entries."""
    if rotation is None:
        return np.concatenate([populations, np.zeros(populations.shape[:-1] + (n * n - n,))], axis=-1)
    return matvec(rotation[..., :, :n], populations)


def same_basis(first: np.ndarray | None, second: np.ndarray | None) -> Any:
    """Where two eigenbases are one (columns equal up to phases), per batch element."""
    if first is None and second is None:
        return True
    if first is None:
        a = b = np.asarray(second)
        a = np.eye(a.shape[-1])
    else:
        a = first
        b = np.eye(a.shape[-1]) if second is None else second
    overlap = np.abs(np.diagonal(np.conj(np.swapaxes(a, -1, -2)) @ b, axis1=-2, axis2=-1))
    return np.all(np.abs(overlap - 1.0) <= SAME_BASIS_TOLERANCE, axis=-1)


def embed(populations: np.ndarray, vectors: np.ndarray | None) -> np.ndarray:
    """Coordinates of ``sum_k p_k |v_k><v_k|``."""
    n = populations.shape[-1]
    rows = basis.population_rows(vectors, n)
    return (np.swapaxes(rows, -1, -2) @ populations[..., None])[..., 0]


class DensityMatrixContext(BackendContext):
    """Stroke context of the density-matrix backend (natural units, batched)."""

    backend = "density_matrix"

    def __init__(self, own: Mapping[str, Any], view: SubstanceView,
                 reservoir_values: Mapping[str, Mapping[str, Any]], where: str):
        super().__init__(own, view, reservoir_values, where)
        self._substance = view.substance
        self._values = view.values

    def _eigen(self, control: Any) -> tuple[np.ndarray, np.ndarray | None]:
        return self._view.eigensystem(control)

    def _hamiltonian_row(self, control: Any) -> np.ndarray:
        """The coordinates of ``H(control)``: the row of the energy ``Tr(H rho)``."""
        return self._view.cached("hamiltonian row", control,
                                 lambda: basis.to_vector(self._view.hamiltonian(control)))

    # -- contact ---------------------------------------------------------------------------------
    def relax(self, control: Any, duration: Any, reservoirs: Sequence[Any]) -> LinearMap:
        pairs = contacts(reservoirs, self._where)
        energies, vectors = self._eigen(control)
        coupling = self._view.coupling(control)
        strengths = None if coupling is None else np.abs(coupling) ** 2
        rates = weighted_rates(pairs, energies, strengths, self._reservoir_values, self._where)
        rotation = None if vectors is None else basis.conjugation(vectors)
        n = self.n_levels
        tau = np.asarray(duration, dtype=float)
        if davies.degenerate_levels(energies):
            deviation_eig, heat_eig, fixed_eig, flows = self._relax_general(pairs, energies, coupling, tau)
            heat = {name: _rotate_vector(rotation, row) for name, row in heat_eig.items()}
            if len(pairs) == 1 and _thermal_law(pairs[0][0]):
                # the Gibbs state is stationary under a Davies generator (quantum detailed balance),
                # also where degenerate levels hold further stationary (dark) states
                temperature = np.asarray(self._reservoir_values[pairs[0][0].name]["temperature"], dtype=float)
                fixed = Reference(_lift(rotation, gibbs(energies, temperature), n),
                                  ThermalLabel(energies, temperature, vectors))
            elif fixed_eig is not None:
                fixed = Reference(_rotate_vector(rotation, fixed_eig))
            else:
                fixed, flows = None, None
        else:
            # non-degenerate levels: populations follow the Pauli master equation on their own (the
            # populations backend's kernel), coherences decay and rotate apart from them
            deviation_pop, heat_pop, _ = kernels.relaxation(energies, rates, tau)
            if n > 2 and davies.shared_bohr_frequencies(energies):
                coherences = self._coherence_block(pairs, energies, coupling, tau)
            else:
                zero_rates = [self._zero_rate(r, w) for r, w in pairs] if coupling is not None else []
                exponents = davies.coherence_exponents(energies, kernels.total_rates(rates), coupling, zero_rates)
                coherences = davies.coherence_deviation(exponents, tau, n)
            deviation_eig = _block_diagonal(deviation_pop, coherences)
            heat = {name: _lift(rotation, row, n) for name, row in heat_pop.items()}
            pi, label_, flows = stationary(energies, pairs, rates, tau, self._reservoir_values)
            if label_ is not None:
                label_ = label_.moved_to(vectors)
            fixed = Reference(_lift(rotation, pi, n), label_)
        deviation = _rotate(rotation, deviation_eig)
        return LinearMap(deviation=deviation, heat=heat, work=np.zeros(deviation.shape[:-1]), duration=tau[()],
                         fixed=fixed, fixed_heat=flows, energy=_lift(rotation, energies - energies[..., :1], n))

    def _zero_rate(self, reservoir: Any, weight: Any) -> np.ndarray:
        values = self._reservoir_values[reservoir.name]
        if reservoir.overrides_rate_matrix:
            raise ParameterError(
                f"{type(reservoir).__name__} {reservoir.name!r} overrides rate_matrix (populations only), but "
                f"{self._where} couples through an operator with diagonal elements (pure dephasing needs the "
                f"rate at zero frequency): give the reservoir a law instead")
        k0 = reservoir.law(np.zeros(1), 1.0 / np.asarray(values["temperature"], dtype=float)[..., None],
                           np.asarray(values["coupling"], dtype=float)[..., None])[..., 0]
        if not np.isfinite(k0).all():
            raise ParameterError(
                f"{self._where}: the law {reservoir.law.name!r} of reservoir {reservoir.name!r} has no finite "
                f"rate at zero Bohr frequency, which the coupling operator's diagonal elements need (pure "
                f"dephasing): use a law finite at omega = 0 (e.g. 'tanh') or a coupling without diagonal "
                f"elements in the eigenbasis")
        return k0 if weight is None else np.asarray(weight, dtype=float) * k0

    def _rate_functions(self, pairs: Sequence[tuple[Any, Any]], why: str, extra: int = 0) -> dict[str, Any]:
        """Each contact's law as a function of the Bohr frequency, for the full Davies generator
        (``extra`` more axes between the batch and the matrix axes, e.g. for steps of a ramp)."""
        axes = (...,) + (None,) * (2 + extra)
        laws = {}
        for reservoir, weight in pairs:
            if reservoir.overrides_rate_matrix:
                raise ParameterError(
                    f"{type(reservoir).__name__} {reservoir.name!r} overrides rate_matrix (populations "
                    f"only), which cannot describe {why} ({self._where}): give the reservoir a law instead")
            values = self._reservoir_values[reservoir.name]
            beta = 1.0 / np.asarray(values["temperature"], dtype=float)[axes]
            gamma = np.asarray(values["coupling"], dtype=float)[axes]
            scale = 1.0 if weight is None else np.asarray(weight, dtype=float)[axes]

            def rate(omega: np.ndarray, law: Any = reservoir.law, beta: Any = beta, gamma: Any = gamma,
                     scale: Any = scale, name: str = reservoir.name) -> np.ndarray:
                with np.errstate(over="ignore", divide="ignore"):
                    k = scale * law(omega, beta, gamma)
                if not np.isfinite(k).all():
                    raise ParameterError(
                        f"{self._where}: the law {law.name!r} of reservoir {name!r} has no finite rate at "
                        f"zero Bohr frequency, which {why} needs: use a law finite at omega = 0")
                return k

            laws[reservoir.name] = rate
        return laws

    def _coherence_block(self, pairs: Sequence[tuple[Any, Any]], energies: np.ndarray, coupling: Any,
                         tau: np.ndarray) -> np.ndarray:
        """Deviation of the coherences when several share a Bohr frequency (equally spaced levels):
        the Davies generator restricted to them, exponentiated."""
        n = self.n_levels
        laws = self._rate_functions(pairs, "coherences that share a Bohr frequency")
        generator = basis.superoperator(davies.generator(energies, coupling, list(laws.values())))[..., n:, n:]
        return _deviation_of(generator, tau)

    def _relax_general(self, pairs: Sequence[tuple[Any, Any]], energies: np.ndarray, coupling: Any,
                       tau: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None, Any]:
        """Contact with the full Davies generator (degenerate levels: populations and the coherences
        between degenerate levels are coupled)."""
        laws = self._rate_functions(pairs, "degenerate levels")
        generators = {name: basis.superoperator(davies.generator(energies, coupling, [rate], hamiltonian=False))
                      for name, rate in laws.items()}
        hamiltonian_part = basis.superoperator(davies.generator(energies, coupling, []))
        total = hamiltonian_part + sum(generators.values())
        n2 = total.shape[-1]
        t = tau[..., None, None]
        augmented = np.zeros(total.shape[:-2] + (2 * n2, 2 * n2))
        augmented[..., :n2, :n2] = total * t
        augmented[..., :n2, n2:] = np.eye(n2) * t
        exp = scipy.linalg.expm(augmented)
        integral = exp[..., :n2, n2:]
        deviation = total @ integral
        energy_row = basis.to_vector(energies[..., None, :] * np.eye(energies.shape[-1]))
        if len(generators) == 1:
            heat = dict.fromkeys(generators, (energy_row[..., None, :] @ deviation)[..., 0, :])
        else:
            heat = {name: (energy_row[..., None, :] @ g @ integral)[..., 0, :] for name, g in generators.items()}
        fixed = _null_state(total)
        flows = None
        residual = np.abs(matvec(total, fixed)).max(initial=0.0)
        if not np.isfinite(fixed).all() or residual > 1e-10 * np.abs(total).max(initial=0.0):
            return deviation, heat, None, None  # several stationary states (dark states): no unique one
        if len(generators) > 1:
            flows = {name: tau * (energy_row[..., None, :] @ g @ fixed[..., None])[..., 0, 0]
                     for name, g in generators.items()}
        return deviation, heat, fixed, flows

    def ramp(self, start: Any, end: Any, duration: Any, reservoirs: Sequence[Any],
             schedule: Schedule = "linear") -> LinearMap:
        pairs = contacts(reservoirs, self._where)
        laws = self._rate_functions(pairs, "a contact while the control ramps", extra=2)
        substance, values, n = self._substance, expand(self._values, 2), self.n_levels
        in_eigenbasis = self._view.working_basis is not None  # the fixed eigenbasis is the working basis

        def generators(w: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            energies, vectors = substance.eigensystem(w, values)
            energies = np.asarray(energies, dtype=float)
            coupling = substance.coupling_in_eigenbasis(w, values)
            parts = {name: basis.superoperator(davies.generator(energies, coupling, [rate], hamiltonian=False))
                     for name, rate in laws.items()}
            total = basis.superoperator(davies.generator(energies, coupling, [])) + sum(parts.values())
            # heat rates from the energy row above the ground level (the dissipators preserve the trace)
            e_row = basis.to_vector((energies - energies[..., :1])[..., None, :] * np.eye(n))
            heat = {name: row_times(e_row, g) for name, g in parts.items()}
            if vectors is None or in_eigenbasis:
                return total, heat
            rotation = basis.conjugation(vectors)
            return _rotate(rotation, total), {name: _rotate_vector(rotation, h) for name, h in heat.items()}

        e_start, e_end = self._eigen(start)[0], self._eigen(end)[0]
        energy_scale = np.maximum(_width(e_start), _width(e_end))
        deviation, heat = time_ordered(generators, start, end, duration, schedules.resolve(schedule), n * n,
                                       tuple(r.name for r, _ in pairs), energy_scale=energy_scale,
                                       where=self._where)
        row_start, row_end = self._hamiltonian_row(start), self._hamiltonian_row(end)
        work = row_end - row_start + row_times(row_end, deviation) - sum(heat.values())
        return LinearMap(deviation=deviation, heat=heat, work=work, duration=np.asarray(duration, dtype=float)[()])

    # -- isolated strokes ----------------------------------------------------------------------
    def follow(self, start: Any, end: Any, duration: Any) -> LinearMap:
        e_start, v_start = self._eigen(start)
        e_end, v_end = self._eigen(end)
        n = self.n_levels
        rows_start = basis.population_rows(v_start, n)
        rows_end = basis.population_rows(v_end, n)
        matrix = matmul(np.swapaxes(rows_end, -1, -2), rows_start)
        deviation = matrix - kernels.eye_matrix(n * n)
        work = row_times(e_end - e_start, rows_start)

        def transport(reference: Reference) -> Reference:
            moved = Reference(reference.vector + matvec(deviation, reference.vector))
            lab = reference.label
            if lab is None:
                return moved
            valid = same_basis(lab.basis, v_start)
            if lab.valid is not None:
                valid = valid & lab.valid
            if not np.any(valid):
                return moved
            new_label = ThermalLabel(lab.energies, lab.temperature, v_end, None if np.all(valid) else valid)
            exact = embed(_label_populations(new_label), v_end)
            vector = exact if np.all(valid) else np.where(np.asarray(valid)[..., None], exact, moved.vector)
            return Reference(vector, new_label)

        return LinearMap(deviation=deviation, work=work, duration=np.asarray(duration, dtype=float)[()],
                         transport=transport)

    def drive(self, start: Any, end: Any, duration: Any, schedule: Schedule = "linear") -> LinearMap:
        s = schedules.resolve(schedule)
        n = self.n_levels
        commutes = np.asarray(self._substance.commutes(self._values), dtype=bool)
        some_commute = bool(commutes.any())
        tau = np.asarray(duration, dtype=float)
        parts = []
        if not commutes.all():
            spread = np.maximum(_width(self._eigen(start)[0]), _width(self._eigen(end)[0]))
            k, _ = magnus_deviation(lambda w: self._substance.hamiltonian(w, expand(self._values, 2)),
                                    start, end, tau, s, spread=spread, where=self._where)
            parts.append(_unitary_deviation(k))
        if some_commute:
            _, vectors = self._eigen(start)

            def fixed_energies(w: np.ndarray) -> np.ndarray:
                return np.asarray(self._substance.eigensystem(w, expand(self._values, 2))[0], dtype=float)

            phases = commuting_phases(fixed_energies, start, end, tau, s, where=self._where)
            a, b = basis.pairs(n)
            exponents = -1j * (phases[..., a] - phases[..., b])  # rho_ab -> exp(-i (phi_a - phi_b)) rho_ab
            deviation_eig = _block_diagonal(np.zeros(phases.shape[:-1] + (n, n)),
                                            davies.coherence_deviation(exponents, 1.0, n))
            rotation = None if vectors is None else basis.conjugation(vectors)
            parts.append(_rotate(rotation, deviation_eig))
        deviation = parts[0] if len(parts) == 1 else np.where(commutes[..., None, None], parts[1], parts[0])
        e_row_start, e_row_end = self._hamiltonian_row(start), self._hamiltonian_row(end)
        work = e_row_end - e_row_start + row_times(e_row_end, deviation)

        def transport(reference: Reference) -> Reference:
            moved = Reference(reference.vector + matvec(deviation, reference.vector))
            lab = reference.label
            if lab is None or not some_commute:
                return moved
            # a commuting Hamiltonian only adds phases to its fixed eigenbasis: a state diagonal there is kept
            _, vectors = self._eigen(start)
            valid = commutes & same_basis(lab.basis, vectors)
            if lab.valid is not None:
                valid = valid & lab.valid
            if not np.any(valid):
                return moved
            kept = ThermalLabel(lab.energies, lab.temperature, lab.basis, None if np.all(valid) else valid)
            vector = reference.vector if np.all(valid) else np.where(np.asarray(valid)[..., None],
                                                                      reference.vector, moved.vector)
            return Reference(vector, kept)

        return LinearMap(deviation=deviation, work=work, duration=tau[()], transport=transport)


def _width(energies: np.ndarray) -> np.ndarray:
    """The spread of a spectrum, ``max E - min E``."""
    return energies.max(axis=-1) - energies.min(axis=-1)


def _deviation_of(generator: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """``exp(G tau) - I`` as ``G Phi``, ``Phi = int_0^tau exp(G t) dt`` from the exponential of
    ``[[G tau, tau I], [0, 0]]`` (no cancellation for short strokes)."""
    m = generator.shape[-1]
    t = np.asarray(tau, dtype=float)[..., None, None]
    augmented = np.zeros(np.broadcast_shapes(generator.shape[:-2], t.shape[:-2]) + (2 * m, 2 * m))
    augmented[..., :m, :m] = generator * t
    augmented[..., :m, m:] = np.eye(m) * t
    return generator @ scipy.linalg.expm(augmented)[..., :m, m:]


def _unitary_deviation(k: np.ndarray) -> np.ndarray:
    """Real deviation of ``rho -> U rho U^dag`` from ``K = U - I``: ``K rho + rho K^dag + K rho K^dag``."""
    n = k.shape[-1]
    eye = kernels.eye_matrix(n)
    # vec(A rho B^T) = (A kron B) vec(rho): entries [i, k, j, l] = A_ij B_kl
    left = k[..., :, None, :, None]  # K_ij
    right = np.conj(k)[..., None, :, None, :]  # conj(K)_kl
    superop = left * eye[None, :, None, :] + eye[:, None, :, None] * right + left * right
    return basis.superoperator(superop.reshape(k.shape[:-2] + (n * n, n * n)))


def _null_state(generator: np.ndarray) -> np.ndarray:
    """The unit-trace null vector of a real generator (its stationary state)."""
    n2 = generator.shape[-1]
    n = math.isqrt(n2)
    trace = basis.trace_row(n)
    scale = np.abs(generator).max(axis=(-1, -2), keepdims=True)
    system = generator + (scale / n) * basis.trace_projector(n)
    rhs = np.broadcast_to(trace * (scale[..., 0] / n), generator.shape[:-1])
    try:
        return np.linalg.solve(system, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:  # several stationary states, exactly
        return np.full(generator.shape[:-1], np.nan)


def _thermal_law(reservoir: Any) -> bool:
    return (not reservoir.overrides_rate_matrix) and reservoir.law.detailed_balance


def _label_populations(lab: ThermalLabel) -> np.ndarray:
    return gibbs(lab.energies, lab.temperature)


class DensityMatrixBackend(Backend):
    """Density matrices in N^2 real coordinates; any Hermitian substance, coherence included."""

    name = "density_matrix"

    def refusal(self, model: Any, values: Mapping[str, Any]) -> str | None:
        for stroke in model.strokes:
            if not stroke.describes_evolution():
                return (f"{label(stroke)} only defines a population map (population_map(ctx)), which cannot "
                        f"act on a density matrix: implement evolution(ctx), describing the stroke through "
                        f"ctx.relax / ctx.follow / ctx.drive, so that it serves every backend")
        return None

    def dimension(self, n_levels: int) -> int:
        return n_levels * n_levels

    def view(self, model: Any, values: Mapping[str, Any]) -> SubstanceView:
        substance_values = model.substance_values(values)
        commutes = bool(np.all(model.substance.commutes(substance_values)))
        return SubstanceView(model.substance, substance_values, use_fixed_basis=commutes)

    def context(self, model: Any, values: Mapping[str, Any], k: int, view: SubstanceView) -> DensityMatrixContext:
        return DensityMatrixContext(model.stroke_values(values, k), view, model.reservoir_values(values),
                                    label(model.strokes[k]))

    @staticmethod
    def _labelled(a: Reference, b: Reference) -> Any:
        """Where ``a - b`` is a difference of labelled Gibbs states in one basis (bool or array),
        or None where a reference has no label."""
        la, lb = a.label, b.label
        if la is None or lb is None:
            return None
        valid = same_basis(la.basis, lb.basis)
        for extra in (la.valid, lb.valid):
            if extra is not None:
                valid = valid & extra
        return valid

    def gap(self, a: Reference, b: Reference) -> np.ndarray:
        plain = a.vector - b.vector
        valid = self._labelled(a, b)
        if valid is None or not np.any(valid):
            return plain
        la, lb = a.label, b.label
        assert la is not None and lb is not None  # (for mypy: _labelled checked them)
        difference = gibbs_difference(la.energies, la.temperature, lb.energies, lb.temperature)
        stable = embed(difference, la.basis)
        return stable if np.all(valid) else np.where(np.asarray(valid)[..., None], stable, plain)

    def stable_gap(self, a: Reference, b: Reference) -> bool:
        valid = self._labelled(a, b)
        return valid is not None and bool(np.all(valid))

    def solve(self, deviations: Sequence[np.ndarray], rhs: np.ndarray) -> np.ndarray:
        n2 = rhs.shape[-1]
        n = math.isqrt(n2)
        decoupled = all(not d[..., :n, n:].any() and not d[..., n:, :n].any() for d in deviations)
        if decoupled and not rhs[..., n:].any():
            # populations never mix with coherences (a commuting substance): the populations
            # backend's subtraction-free solve, and no coherence in the periodic state
            populations = kernels.gth_solve(kernels.stochastic_product([d[..., :n, :n] for d in deviations]),
                                            rhs[..., :n])
            return np.concatenate([populations, np.zeros(populations.shape[:-1] + (n2 - n,))], axis=-1)
        total = deviations[0]
        for d in deviations[1:]:
            total = total + d + matmul(d, total)
        scale = np.abs(total).max(axis=(-1, -2), keepdims=True)
        system = -total + (scale / n) * basis.trace_projector(n)
        if system.ndim == 2 and rhs.ndim == 1:  # one cycle: LAPACK's gesv without numpy's batch wrapper
            _, _, out, info = scipy.linalg.lapack.dgesv(system, rhs)
            if info:
                out = np.full(system.shape[:-1], np.nan)
        else:
            try:
                out = np.linalg.solve(system, np.broadcast_to(rhs, system.shape[:-1])[..., None])[..., 0]
            except np.linalg.LinAlgError:
                out = np.full(system.shape[:-1], np.nan)
        if np.isfinite(out).all():
            # a fixed space of more than one state (e.g. a dark state of degenerate levels that the
            # coupling operator never reaches) leaves the system singular up to round-off
            singular = np.linalg.svd(system, compute_uv=False)
            if np.all(singular[..., -1] > SINGULAR_TOLERANCE * singular[..., 0]):
                return out
        raise CycleError(
            "the cycle has no unique periodic steady state: the one-cycle map does not relax the "
            "density matrix to a single fixed point (does every level connect to a reservoir on some "
            "stroke, with a non-zero contact time, and does every coherence decay? Degenerate levels "
            "can hold a dark state that the coupling operator never reaches)")

    def start_reference(self, maps: Sequence[LinearMap]) -> Reference:
        n2 = maps[0].dimension
        n = math.isqrt(n2)
        return Reference(basis.trace_row(n) / n)

    def corner(self, model: Any, values: Mapping[str, Any], vector: np.ndarray, control: Any) -> Corner:
        view = self.view(model, values)
        rho = basis.to_matrix(vector)  # in the working basis
        _, vectors = view.eigensystem(control)
        eig = rho if vectors is None else np.conj(np.swapaxes(vectors, -1, -2)) @ rho @ vectors
        n = rho.shape[-1]
        populations = np.clip(np.diagonal(eig, axis1=-2, axis2=-1).real, 0.0, 1.0)
        coherence = (np.abs(eig) * (1.0 - np.eye(n))).sum(axis=(-1, -2))
        return Corner(populations, view.to_natural(rho), coherence[()])


__all__ = ["DensityMatrixBackend", "DensityMatrixContext", "same_basis", "embed"]
