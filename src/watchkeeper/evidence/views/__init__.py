"""Evidence pages (9.5, 9.6, 11.6, 13.2, Appendix I), one module a section: the download requests and their
decisions (`requests`), the stored copies (`copies`), the CCTV log (`log`), the school's signing key
(`signing_key`), the player's "Ask for a still" (`stills`) and the CCTV administrator's release of held
footage (`holds`). No picture or footage is served here except a stored, sealed package. A refusal from a
service lands in the form that asked (core.refusals.attempt) or, for a button, on the refused page."""
