package store

import "context"

// InsertLearningHistory writes enrolments and certificates in batches, as they are, without
// touching obligations: for `wachsam dev seed`, which makes history for thousands of people
// at once and then refreshes their obligations in one pass (RefreshObligations). Everything
// else goes through CreateEnrolment and CreateCertificate, which keep obligations current.
func (s *Store) InsertLearningHistory(ctx context.Context, enrolments []Enrolment, certs []Certificate) error {
	return s.InTx(ctx, func(tx *Store) error {
		for start := 0; start < len(enrolments); start += 1000 {
			batch := enrolments[start:min(start+1000, len(enrolments))]
			for i := range batch {
				if batch[i].ID == "" {
					batch[i].ID = newID()
				}
			}
			if _, err := tx.db.NewInsert().Model(&batch).Exec(ctx); err != nil {
				return dbErr("insert enrolments", err)
			}
		}
		for start := 0; start < len(certs); start += 1000 {
			batch := certs[start:min(start+1000, len(certs))]
			for i := range batch {
				batch[i].ID = newID()
			}
			if _, err := tx.db.NewInsert().Model(&batch).Exec(ctx); err != nil {
				return dbErr("insert certificates", err)
			}
		}
		return nil
	})
}

// NewID returns a fresh UUIDv7 (seeding links rows before they are inserted).
func NewID() string { return newID() }
