extension PspctlV1.Expression {
    /// The first structural problem of the tree, or nil: a node with no member set, a connective without
    /// operands, a negation without operand, a comparison with no field, an unknown operator, or values
    /// that do not fit the operator (one for relational operators, none for `exists`, `valuesIsList`
    /// exactly for `in`/`intersects`/`pmatch`). Field names and value types are the engine's to check.
    /// Walks iteratively, so any depth is safe.
    public var structuralProblem: String? {
        var pending: [(PspctlV1.Expression, String)] = [(self, "condition")]
        while let (expression, path) = pending.popLast() {
            switch expression.node {
            case nil:
                return "\(path): expression with no node set"
            case .conjunction(let group):
                guard !group.operands.isEmpty else { return "\(path): conjunction without operands" }
                for (i, operand) in group.operands.enumerated().reversed() { pending.append((operand, "\(path).and[\(i)]")) }
            case .disjunction(let group):
                guard !group.operands.isEmpty else { return "\(path): disjunction without operands" }
                for (i, operand) in group.operands.enumerated().reversed() { pending.append((operand, "\(path).or[\(i)]")) }
            case .negation(let negation):
                guard let operand = negation.operand else { return "\(path): negation without operand" }
                pending.append((operand, "\(path).not"))
            case .comparison(let comparison):
                if let problem = comparison.structuralProblem { return "\(path): \(problem)" }
            }
        }
        return nil
    }
}

extension PspctlV1.Comparison {
    /// See `Expression.structuralProblem`.
    public var structuralProblem: String? {
        guard !field.isEmpty else { return "comparison without a field" }
        guard let spelling = self.operator.spelling else { return "\(field): unknown operator \(self.operator.rawValue)" }
        if valuesIsList != self.operator.takesList {
            return "\(field) \(spelling): values_is_list is \(valuesIsList)"
        }
        if self.operator == .exists {
            return values.isEmpty ? nil : "\(field) exists: takes no value"
        }
        if !self.operator.takesList && values.count != 1 {
            return "\(field) \(spelling): takes one value, has \(values.count)"
        }
        return nil
    }
}
