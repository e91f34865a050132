import Foundation

/// How many cores this process may keep busy: the cores it may run on, capped by a CPU quota of its
/// cgroup (a container's `resources.limits.cpu`), rounded up. A container limited to 1 CPU on a
/// 16-core node gets 1, not 16, so the threads sized by it are not throttled by the quota.
public enum CPUBudget {
    public static let available: Int = {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let quota = cgroupQuota() else { return cores }
        return max(1, min(cores, Int(quota.rounded(.up))))
    }()

    /// The quota in CPUs, if one is set: cgroup v2's `cpu.max` ("max 100000" is none), else v1's
    /// `cpu.cfs_quota_us` / `cpu.cfs_period_us` (-1 is none).
    static func cgroupQuota(root: String = "/sys/fs/cgroup") -> Double? {
        if let text = read("\(root)/cpu.max") {
            return quota(v2: text)
        }
        for folder in ["cpu", "cpu,cpuacct"] {
            if let quota = read("\(root)/\(folder)/cpu.cfs_quota_us"), let period = read("\(root)/\(folder)/cpu.cfs_period_us") {
                return self.quota(v1Quota: quota, period: period)
            }
        }
        return nil
    }

    /// `cpu.max`: "QUOTA PERIOD", QUOTA "max" when unlimited.
    static func quota(v2 text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let quota = Double(parts[0]), let period = Double(parts[1]), quota > 0, period > 0 else { return nil }
        return quota / period
    }

    static func quota(v1Quota: String, period: String) -> Double? {
        guard let quota = Double(v1Quota), let period = Double(period), quota > 0, period > 0 else { return nil }
        return quota / period
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
