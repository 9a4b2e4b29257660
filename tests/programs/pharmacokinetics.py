"""A two-compartment pharmacokinetic model fitted to several patients' concentrations: patients
are NamedTuples, doses are applied by augmented assignment on slices of a state array, the
integrator stops early once the drug is cleared, and the per-patient terms are summed from a
generator; functools.partial fixes the step size."""
import functools
from typing import NamedTuple

import numpy as np

NO_AUTOGRAD = "doses are added into an array slice in place (`state[:1] += ...`)"


class Patient(NamedTuple):
    weight: float
    dose_times: tuple
    sample_times: np.ndarray
    concentrations: np.ndarray


def derivatives(state, k):
    central, peripheral = state[0], state[1]
    return np.array([-(k[0] + k[1]) * central + k[2] * peripheral, k[1] * central - k[2] * peripheral])


def integrate(k, patient, dt, t_end=12.0):
    state = np.zeros(2)
    samples = []
    t, sample = 0.0, 0
    while t < t_end:
        if any(abs(t - d) < 1e-9 for d in patient.dose_times):
            state[:1] += 10.0 / patient.weight
        if sample < len(patient.sample_times) and abs(t - patient.sample_times[sample]) < 1e-9:
            samples.append(state[0])
            sample += 1
        if t > 1.0 and state[0] < 1e-6:
            break
        state = state + dt * derivatives(state, k)
        t = round(t + dt, 10)
    return np.array(samples)


def patient_loss(log_k, patient, step):
    predicted = step(np.exp(log_k), patient)
    return np.sum((np.log(predicted) - np.log(patient.concentrations)) ** 2)


def loss(log_k, patients):
    step = functools.partial(integrate, dt=0.25)
    return sum(patient_loss(log_k, p, step) for p in patients) / len(patients)


def make(rng):
    times = np.array([1.0, 2.0, 4.0, 8.0])
    patients = [Patient(70.0, (0.0, 6.0), times, np.array([0.09, 0.07, 0.05, 0.04]) * (1 + 0.1 * rng.normal())),
                Patient(55.0, (0.0,), times, np.array([0.12, 0.09, 0.06, 0.03]))]
    return loss, (np.log(np.array([0.2, 0.1, 0.05])), patients), 0
