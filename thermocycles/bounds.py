"""Reference bounds of heat devices between two reservoirs (vectorised).

``eps_c`` is the Carnot COP ``T_c / (T_h - T_c)``; ``theta = T_c / T_h``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def carnot_cop(T_c: Any, T_h: Any) -> Any:
    """Carnot COP of a refrigerator, ``T_c / (T_h - T_c)``."""
    return np.asarray(T_c) / (np.asarray(T_h) - np.asarray(T_c))


def carnot_efficiency(T_c: Any, T_h: Any) -> Any:
    """Carnot efficiency of an engine, ``1 - T_c / T_h``."""
    return 1.0 - np.asarray(T_c) / np.asarray(T_h)


def curzon_ahlborn_cop(eps_c: Any) -> Any:
    """Curzon-Ahlborn COP, ``sqrt(1 + eps_c) - 1``.

    Examples
    --------
    >>> float(curzon_ahlborn_cop(3.0))
    1.0
    """
    eps_c = np.asarray(eps_c, dtype=float)
    return eps_c / (np.sqrt(1.0 + eps_c) + 1.0)  # = sqrt(1 + eps_c) - 1, without cancellation


def curzon_ahlborn_efficiency(T_c: Any, T_h: Any) -> Any:
    """Curzon-Ahlborn efficiency, ``1 - sqrt(T_c / T_h)``."""
    return 1.0 - np.sqrt(np.asarray(T_c) / np.asarray(T_h))


def eps_plus(eps_c: Any) -> Any:
    """``(sqrt(9 + 8 eps_c) - 3) / 2``: upper bound of the COP at maximum chi of low-dissipation and
    minimally nonlinear refrigerators.

    Examples
    --------
    >>> float(eps_plus(2.0))
    1.0
    """
    eps_c = np.asarray(eps_c, dtype=float)
    return 4.0 * eps_c / (np.sqrt(9.0 + 8.0 * eps_c) + 3.0)  # = (sqrt(9 + 8 eps_c) - 3)/2, stably


def eps_c_from_theta(theta: Any) -> Any:
    """Carnot COP from ``theta = T_c / T_h``: ``theta / (1 - theta)``."""
    theta = np.asarray(theta, dtype=float)
    return theta / (1.0 - theta)


def theta_from_eps_c(eps_c: Any) -> Any:
    """``theta = T_c / T_h`` from the Carnot COP: ``eps_c / (1 + eps_c)``."""
    eps_c = np.asarray(eps_c, dtype=float)
    return eps_c / (1.0 + eps_c)
