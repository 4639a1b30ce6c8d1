// The backend a Tabtune runs on, and what measures the device (bench, the PyTorch trajectory
// check). tabtune.d.ts re-exports every type here.

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface BackendInfo {
  kind: 'webgpu' | 'cpu';
  /** The WebGPU adapter's vendor / architecture / description, or the CPU backend's name. */
  adapter: string;
  /** Why this backend runs (e.g. 'auto' found only a software WebGPU adapter). */
  reason: string;
  init_ms: number;
  /** Workers beside the main one that run the frozen layers' pass, a part of every training
   *  step and a share of long batches to predict (CPU backend; 0 on WebGPU). */
  prefix_workers: number;
  /** On WebGPU: one tiny training step compared with the CPU backend before any real one. */
  self_check?: { max_diff: number | string; ms: number; passed: boolean };
}

/** Samples per second of `tabtune bench`'s workload: training with the frozen layers run every
 *  step, training from their cache, and inference through every layer. */
export interface BenchReport {
  backend: string; batch: number; seq: number; trainable_layers: number; steps: number;
  train_samples_per_s: number; train_cached_samples_per_s: number; infer_samples_per_s: number;
}

/** How far this device's replay of one PyTorch reference run is from it. */
export interface TrajectoryCase {
  steps: number; max_loss_rel: number; max_lr_rel: number; final_head_max_abs: number; final_loss_rel: number;
  /** The two trained encoder tensors the reference keeps, at the end. */
  final_tensors_max_abs?: number;
  /** Cases with clipping: the gradient norm before it. */
  max_grad_norm_rel?: number;
}
export interface TrajectoryReport { cases: Record<string, TrajectoryCase>; worst_loss_rel: number }
