-- Request quotas: one counter per key (credential, IP, failed authentications per IP) and fixed window.
CREATE TABLE rate_limit_windows (
  key          text NOT NULL,
  window_start bigint NOT NULL,
  count        integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_windows_by_start ON rate_limit_windows (window_start);
