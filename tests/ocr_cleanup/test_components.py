import cv2
import numpy as np

from ocr.cleanup.components import label


def test_sixteen_bit_labels_match_opencv_default():
    rng = np.random.default_rng(3)
    ink = ((rng.random((600, 500)) > 0.93) * 255).astype(np.uint8)
    ink[100:140, 50:400] = 255  # one large component beside the specks
    count, labels, stats, centroids = label(ink)
    expected = cv2.connectedComponentsWithStats(ink, connectivity=8)
    assert count == expected[0]
    assert np.array_equal(labels, expected[1])
    assert np.array_equal(stats, expected[2])
    assert np.allclose(centroids, expected[3])


def test_more_components_than_sixteen_bits_hold():
    ink = np.zeros((900, 900), np.uint8)
    ink[::3, ::3] = 255  # 90,000 isolated dots
    count, labels, stats, _ = label(ink)
    assert count == 300 * 300 + 1
    assert labels.max() == 300 * 300
    assert (stats[1:, cv2.CC_STAT_AREA] == 1).all()
