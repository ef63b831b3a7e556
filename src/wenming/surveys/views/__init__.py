"""Pages of the surveys app: waves and questionnaires (问卷调查), collection, training (培训), examples."""
