-- Custom SQL migration file, put your code below! --
-- gatehouse_expect(ok, what): true, or an error (SQLSTATE GH001) naming what was expected. A statement
-- sent together with its transaction's COMMIT (db/pipelined-transaction.ts) cannot have its result
-- checked before the commit; a condition it must meet is checked by the statement itself, and its
-- error turns the COMMIT into a rollback.
CREATE FUNCTION gatehouse_expect(ok boolean, what text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'expected: %', what USING ERRCODE = 'GH001';
  END IF;
  RETURN true;
END
$$;
