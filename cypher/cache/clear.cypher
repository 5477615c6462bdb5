// Inside a store's first import (no change set before it): every stamp and cached
// result goes (left by a history that no longer exists, they could match new keys).
CALL () {
  MATCH (n:BrmStamp) RETURN n
  UNION ALL
  MATCH (n:BrmFlagCache) RETURN n
}
DELETE n
