-- Obligations are derived rows: the store computes them from assignments, users, certificates,
-- enrolments, exemptions and manual completions it has just read in the same transaction, under
-- the tenant's obligations lock, and RebuildObligations recreates them from those inputs. Their
-- five foreign keys checked nothing the writer does not already guarantee, and they were two
-- thirds of the cost of writing obligations: inserting 500,000 rows (a staff import of 100,000
-- people with five mandatory courses, or five whole-municipality assignments) took 14 s with
-- them and 4 s without, measured in psql on the bench machine. The tables they pointed to are
-- never deleted from while obligations refer to them: users are anonymised, not deleted;
-- assignments and courses are ended or retired, not deleted; an org unit is deleted only when
-- nobody is in it; tenants are not deleted. The obligation tests check that no row points
-- nowhere (store.DanglingObligations), and `wachsam obligations check` lets operators do so.
ALTER TABLE obligations
    DROP CONSTRAINT obligations_tenant_id_fkey,
    DROP CONSTRAINT obligations_user_id_fkey,
    DROP CONSTRAINT obligations_course_id_fkey,
    DROP CONSTRAINT obligations_org_unit_id_fkey,
    DROP CONSTRAINT obligations_assignment_id_fkey;
