-- 006 what completing a review needs beyond 005, and two documents brought in line with
-- the issue-4 contract.
--
-- The placement decision a completed review issues (forsørgelse og målgruppe) cites the
-- provisions its target group and its benefit are granted under. Which provisions those are
-- is reference data with effective dates, not C: each target group and benefit names its
-- legal_provision codes in attributes.provisions, and the review cites those in force on
-- the meeting date (so the 2027 reform is a data change, as for the intervention types).
--
-- restated-from: 5aeeb24290d0a6d63412f697cfde39694db317bd1e403e782d0c9b2c237aa893
-- Restated when functions, triggers and their grants moved to sql/functions/ (repeatable
-- files): a database that applied the earlier text of this file has applied this one.
UPDATE reference_items SET attributes = attributes || '{"provisions": ["lab_2"]}'
 WHERE kind = 'target_group'
   AND code IN ('jobparat', 'aktivitetsparat', 'uddannelsesparat', 'uddannelse_aktivitetsparat', 'ressourceforloeb',
                'jobafklaring', 'fleksjob', 'ledighedsydelse', 'revalidering');
UPDATE reference_items SET attributes = attributes || '{"provisions": ["lov_1750_2025"]}'
 WHERE kind = 'target_group' AND code IN ('jobklar', 'jobhjaelpsgruppe', 'sygemeldt', 'fleksjobgruppe', 'unge');
UPDATE reference_items SET attributes = attributes || '{"provisions": ["las_11"]}'
 WHERE kind = 'benefit' AND code = 'kontanthjaelp';
UPDATE reference_items SET attributes = attributes || '{"provisions": ["las_23"]}'
 WHERE kind = 'benefit' AND code = 'uddannelseshjaelp';
UPDATE reference_items SET attributes = attributes || '{"provisions": ["las_68"]}'
 WHERE kind = 'benefit' AND code = 'ressourceforloebsydelse';
