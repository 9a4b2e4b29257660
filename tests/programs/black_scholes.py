"""Option pricing: Black-Scholes in closed form with scipy.special.ndtr against a Monte Carlo
price of the same call under a fixed seed; the loss fits the volatility and rate to market
prices and includes the Monte Carlo estimate's bias."""
import math

import numpy as np
from scipy.special import ndtr

NO_AUTOGRAD = "autograd.scipy.special has no ndtr"


def black_scholes_call(spot, strike, maturity, rate, vol):
    sqrt_t = math.sqrt(maturity)
    d1 = (np.log(spot / strike) + (rate + 0.5 * vol ** 2) * maturity) / (vol * sqrt_t)
    d2 = d1 - vol * sqrt_t
    return spot * ndtr(d1) - strike * np.exp(-rate * maturity) * ndtr(d2)


def monte_carlo_call(spot, strike, maturity, rate, vol, n_paths=2000, seed=42):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n_paths)
    terminal = spot * np.exp((rate - 0.5 * vol ** 2) * maturity + vol * math.sqrt(maturity) * z)
    payoff = np.maximum(terminal - strike, 0.0)
    return math.exp(-rate * maturity) * np.mean(payoff)


def calibration_loss(market, spot, strikes, maturities, prices):
    vol, rate = market["vol"], market["rate"]
    model = black_scholes_call(spot, strikes, maturities, rate, vol)
    fit = np.sum((model - prices) ** 2)
    mc = monte_carlo_call(spot, strikes[2], 1.0, rate, vol)
    bs = black_scholes_call(spot, strikes[2], 1.0, rate, vol)
    return fit + 0.01 * (mc - bs) ** 2


def make(rng):
    strikes = np.array([80.0, 90.0, 100.0, 110.0, 120.0])
    maturities = 1.0
    prices = np.array([23.0, 14.9, 8.4, 4.1, 1.8])
    market = {"vol": 0.22, "rate": 0.03}
    return calibration_loss, (market, 100.0, strikes, maturities, prices), 0
