"""Inverse kinematics of a planar robot arm: forward kinematics with math.cos and math.sin over
the joints, accumulated in Python floats, a joint-limit penalty, and the distance of the end
effector to a list of waypoints."""
import math

import numpy as np

NO_AUTOGRAD = "math.cos and math.sin of traced values"


LINK_LENGTHS = [1.0, 0.8, 0.5, 0.3]


def forward_kinematics(angles, lengths=LINK_LENGTHS):
    x, y, heading = 0.0, 0.0, 0.0
    joints = [(x, y)]
    for angle, length in zip(angles, lengths):
        heading += angle
        x += length * math.cos(heading)
        y += length * math.sin(heading)
        joints.append((x, y))
    return joints


def limit_penalty(angles, limit=2.0):
    total = 0.0
    for a in angles:
        if abs(a) > limit:
            total += (abs(a) - limit) ** 2
    return total


def reach_cost(configs, waypoints):
    cost = 0.0
    for i, (config, (wx, wy)) in enumerate(zip(configs, waypoints)):
        ex, ey = forward_kinematics(config)[-1]
        cost += (ex - wx) ** 2 + (ey - wy) ** 2
        cost += 0.1 * limit_penalty(config)
        if i > 0:
            previous = configs[i - 1]
            cost += 0.05 * sum((a - b) ** 2 for a, b in zip(config, previous))
    return cost


def make(rng):
    configs = [[float(v) for v in 0.5 * rng.normal(size=4)] for _ in range(3)]
    configs[1][2] = 2.3
    waypoints = [(1.5, 0.5), (1.0, 1.2), (0.2, 1.6)]
    return reach_cost, (configs, waypoints), 0
