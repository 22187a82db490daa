/**
 * What the container service reads from a container's cgroup. The daemon
 * wires it to src/host/cgroups.ts (v1 or v2, whichever the host runs).
 */
export interface CgroupReader {
  /** Times the kernel's OOM killer fired in the cgroup (0 if it is gone). */
  oomKillCount(cgroupsPath: string): Promise<number>;
  /** Every process in the cgroup, for `top`. */
  pids(cgroupsPath: string): Promise<number[]>;
}
