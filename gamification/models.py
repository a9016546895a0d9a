# XP, badges, missions and leaderboards arrive with the gamification issue.
