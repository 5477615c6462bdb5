// $rows: [[id, name]] — competitors not stored yet.
UNWIND $rows AS r
CREATE (:Competitor {id: r[0], name: r[1]})
